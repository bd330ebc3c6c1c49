import ArgumentParser
import Foundation
import SlipwayModel

/// `slipway rollout SERVICE [status|pause|resume|promote|abort]`: a running canary or blue-green
/// deployment, seen and steered between its health gate and its switch.
struct RolloutSteeringCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "See or steer a running canary or blue-green rollout: status, pause, resume, promote, abort.",
        discussion: """
            status (the default) shows the step, the canary's share, the phase and the last verdict. \
            pause holds the rollout where it is (traffic stays as it is); resume starts the step's window again. \
            promote goes on to the next step now (a canary's window is judged at once; blue-green switches); \
            with --skip-analysis (an approver's, with --reason) every request goes to the new release at once. \
            abort puts all traffic back on the release that served and ends the deployment rolled back (exit 4). \
            A command that does not apply where the rollout stands is refused with exit 6 saying why.
            """)

    enum Verb: String, ExpressibleByArgument, CaseIterable {
        case status, pause, resume, promote, abort
    }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The service.") var service: String
    @Argument(help: "status, pause, resume, promote or abort.") var verb: Verb = .status
    @Option(name: .customLong("env"), help: "The environment (needed when slipway.yml declares several).") var environment: String?
    @Option(name: .long, help: "Why: recorded in the audit trail; required with --skip-analysis.") var reason: String?
    @Flag(name: .long, help: "With promote: to 100% at once, judging nothing more (approver or admin; needs --reason).")
    var skipAnalysis = false

    func validate() throws {
        if skipAnalysis, verb != .promote { throw ValidationError("--skip-analysis goes with promote") }
        if skipAnalysis, reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty != false {
            throw ValidationError("--skip-analysis needs --reason: the record keeps why every request went to a release nothing judged")
        }
    }

    func run() async throws {
        try await withDocumentedExit {
            let client = try DaemonClient(options: global)
            let base = "/\(API.version)/rollouts/\(DaemonClient.pathComponent(service))"
            guard let command = command else {
                let query = environment.map { "?environment=\(DaemonClient.pathComponent($0))" } ?? ""
                let view = try await client.get(RolloutView.self, base + query)
                if global.json { try Terminal.printJSON(view) } else { print(Self.describe(view)) }
                return .success
            }
            let path = base + "/" + (command == .promoteSkippingAnalysis ? "promote-skipping-analysis" : command.rawValue)
            let answer = try await client.post(RolloutCommandResponse.self, path,
                                               body: RolloutCommandRequest(service: service, environment: environment, reason: reason))
            if global.json {
                try Terminal.printJSON(answer)
                return .success
            }
            let name = TerminalText.line(answer.service) + (answer.environment.map { " (\(TerminalText.line($0)))" } ?? "")
            print("slipway: \(name): \(command.rawValue.replacingOccurrences(of: "_", with: " ")) taken")
            if let rollout = answer.rollout { print(Self.describe(rollout)) } else { print("the rollout has ended: see `slipway history \(answer.service)`") }
            return .success
        }
    }

    private var command: RolloutCommand? {
        switch verb {
        case .status: nil
        case .pause: .pause
        case .resume: .resume
        case .promote: skipAnalysis ? .promoteSkippingAnalysis : .promote
        case .abort: .abort
        }
    }

    /// Three lines: which deployment, where it stands, the last verdict.
    static func describe(_ view: RolloutView) -> String {
        let name = TerminalText.line(view.service) + (view.environment.map { "@\(TerminalText.line($0))" } ?? "")
        // Rolling counts new instances in the pool, not steps.
        let progress = view.strategy == .rolling ? "\(view.step) of \(view.steps) new instances in the pool"
            : "step \(view.step + 1) of \(view.steps)"
        var lines = ["\(name): \(view.strategy.rawValue) rollout of deployment \(view.deployment), \(progress), "
            + "new release at \(view.weight)%"]
        var phase = view.phase.rawValue.replacingOccurrences(of: "_", with: " ")
        if let by = view.pausedBy { phase += " by \(TerminalText.line(by))" }
        if let until = view.until { phase += " until \(Terminal.time(until))" }
        lines.append("  phase: \(phase)")
        if let verdict = view.lastVerdict {
            lines.append("  last verdict: \(verdict.decision.rawValue): \(TerminalText.line(verdict.reason))")
        }
        return lines.joined(separator: "\n")
    }
}
