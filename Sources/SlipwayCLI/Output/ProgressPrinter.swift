import Foundation
import SlipwayModel

/// Prints a deployment's streamed events as they come: each stage when it starts and ends,
/// build output indented, then the summary.
struct ProgressPrinter {
    var quiet: Bool

    func handle(_ event: DeploymentEvent) {
        guard !quiet else { return }
        // In a run several services deploy at once: each line says whose it is.
        let prefix = event.service.map { "[\(TerminalText.line($0))] " } ?? ""
        switch event.event {
        case .accepted:
            print("\(prefix)deployment \(TerminalText.line(event.deploymentID ?? "?"))")
        case .stage:
            guard let stage = event.stage else { return }
            if stage.outcome == .running {
                print("\(prefix)\(Terminal.stageSymbol(.running)) \(stage.name)…")
            } else {
                let duration = stage.finishedAt.map { $0.timeIntervalSince(stage.startedAt) }
                var line = "\(prefix)\(Terminal.stageSymbol(stage.outcome)) \(stage.name) (\(Terminal.seconds(duration)))"
                if let message = stage.message {
                    line += ": " + TerminalText.lines(message).replacingOccurrences(of: "\n", with: "\n    ")
                }
                print(line)
            }
        case .log:
            if let line = event.line { print("\(prefix)    \(TerminalText.lines(line))") }
        case .finished, .refused, .plan, .summary:
            break
        }
        fflush(nil)
    }

    func summary(_ deployment: Deployment) {
        guard !quiet else { return }
        let symbol = deployment.outcome == .succeeded ? "✔" : "✘"
        print("\(symbol) \(TerminalText.lines(deployment.message ?? deployment.outcome.rawValue)) [\(deployment.outcome.rawValue), "
            + "exit \(deployment.exitCode?.rawValue ?? 0), \(Terminal.seconds(deployment.durationSeconds))]")
    }
}
