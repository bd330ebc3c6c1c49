import ArgumentParser
import Foundation
import SlipwayConfig
import SlipwayModel

/// `slipway proxy pause|resume|maintenance|live SERVICE`: kamal-proxy's controls, per service and
/// environment, kept in the proxy's route table (they survive a restart of the proxy or the daemon).

struct ProxyPauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Hold a service's new requests in the proxy until `slipway proxy resume`.",
        discussion: """
            Requests in flight finish; new ones wait (not refused, not forwarded). On resume they go on to the \
            service's upstream of that moment, so a deploy may switch meanwhile. A request held longer than \
            --hold is answered 503 with Retry-After: 1.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service.") var service: String
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?
    @Option(name: .long, help: "How long a request is held before it is answered 503 (a duration: 500ms, 10s, 1m).")
    var hold = DurationArgument(TrafficControl.defaultHold)

    func validate() throws {
        if hold.duration <= .zero { throw ValidationError("--hold must be longer than 0") }
    }

    func run() async throws {
        try await sendTrafficControl(.pause, TrafficControlRequest(service: service, environment: environment,
                                                                   holdMilliseconds: hold.duration.milliseconds), global: global)
    }
}

struct ProxyResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "End a pause: held requests go on at once, new ones are routed again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service.") var service: String
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?

    func run() async throws {
        try await sendTrafficControl(.resume, TrafficControlRequest(service: service, environment: environment), global: global)
    }
}

struct ProxyMaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Answer every request of a service 503 with a maintenance page until `slipway proxy live`.",
        discussion: "Browsers get a small HTML page with the message, other clients text. It takes precedence over a pause.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service.") var service: String
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?
    @Option(name: .long, help: "What visitors read, e.g. \"Back at 14:00\".") var message: String

    func validate() throws {
        if message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--message must say something") }
    }

    func run() async throws {
        try await sendTrafficControl(.maintenance, TrafficControlRequest(service: service, environment: environment, message: message),
                                     global: global)
    }
}

struct ProxyLiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live", abstract: "End a maintenance: the service's requests are routed again.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service.") var service: String
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?

    func run() async throws {
        try await sendTrafficControl(.live, TrafficControlRequest(service: service, environment: environment), global: global)
    }
}


private func sendTrafficControl(_ change: TrafficControlChange, _ request: TrafficControlRequest, global: GlobalOptions) async throws {
    try await withDocumentedExit {
        let client = try DaemonClient(options: global)
        let answer = try await client.post(TrafficControlResponse.self, "/\(API.version)/proxy/\(change.rawValue)", body: request)
        if global.json {
            try Terminal.printJSON(answer)
            return .success
        }
        let name = TerminalText.line(answer.service) + (answer.environment.map { " (\(TerminalText.line($0)))" } ?? "")
        switch change {
        case .pause:
            let hold = DurationText.format(.milliseconds(answer.control.pausedHoldMilliseconds ?? 0))
            print("slipway: \(name) paused: new requests are held up to \(hold) until `slipway proxy resume \(answer.service)`")
        case .resume:
            print("slipway: \(name) resumed: held requests go on")
        case .maintenance:
            print("slipway: \(name) in maintenance: every request is answered 503 until `slipway proxy live \(answer.service)`")
        case .live:
            print("slipway: \(name) is live")
        }
        if answer.control.maintenance != nil, change == .pause || change == .resume {
            print("slipway: \(name) is still in maintenance, which takes precedence")
        }
        return .success
    }
}
