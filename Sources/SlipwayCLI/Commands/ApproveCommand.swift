import ArgumentParser
import SlipwayModel

/// `slipway approve ID`: one approval of a pending deployment. It starts once it has the
/// environment's number of approvals from distinct people (never the requester) and its wait
/// timer has passed.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a deployment that waits for approvals.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The pending deployment's id (`slipway history` lists them).") var deployment: String
    @Option(name: .long, help: "A comment recorded with the approval.") var comment: String?

    func run() async throws {
        try await withDocumentedExit {
            let record = try await DaemonClient(options: global).post(
                Deployment.self, "/v1/deployments/\(deployment)/approvals", body: ApprovalRequest(comment: comment))
            if global.json {
                try Terminal.printJSON(record)
            } else {
                print("slipway: approved deployment \(record.id) (\(record.approvalsGiven.count) of \(record.approvalsRequired ?? 0)); "
                      + TerminalText.line(record.message ?? ""))
            }
            return .success
        }
    }
}

/// `slipway reject ID --reason`: ends a pending deployment, `rejected`; it never starts.
struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a deployment that waits for approvals: it never starts.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The pending deployment's id.") var deployment: String
    @Option(name: .long, help: "Why: recorded, audited and shown to the requester.") var reason: String

    func run() async throws {
        try await withDocumentedExit {
            let record = try await DaemonClient(options: global).post(
                Deployment.self, "/v1/deployments/\(deployment)/rejections", body: ApprovalRequest(comment: reason))
            if global.json {
                try Terminal.printJSON(record)
            } else {
                print("slipway: rejected deployment \(record.id): \(TerminalText.line(reason))")
            }
            return .success
        }
    }
}
