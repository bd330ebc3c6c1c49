import SlipwayModel

/// Human output of a multi-service run: the plan, each service's stage lines, the summary.
enum RunPrinter {
    static func printPlan(_ plan: RunPlan) {
        guard !plan.waves.isEmpty else {
            print("nothing to deploy at \(TerminalText.line(String(plan.to.prefix(12)))): no service's paths changed")
            return
        }
        print("deploy \(TerminalText.line(String(plan.to.prefix(12)))):")
        for (index, wave) in plan.waves.enumerated() {
            print("  wave \(index + 1)\(wave.count > 1 ? " (in parallel)" : ""):")
            for entry in wave {
                let why = entry.because.isEmpty ? "" : " because \(entry.because.prefix(3).map(TerminalText.line).joined(separator: ", "))"
                    + (entry.because.count > 3 ? " and \(entry.because.count - 3) more" : "")
                print("    \(TerminalText.line(entry.service))\(entry.from.map { " (from \(TerminalText.line(String($0.prefix(12)))))" } ?? "")\(why)")
                print("      \(stageLine(entry.stages))")
            }
        }
    }

    /// "validate → checks → [build ∥ backup → migrate] → start → …": the build runs beside the database's stages.
    static func stageLine(_ stages: [Stage]) -> String {
        guard let build = stages.firstIndex(of: .build), stages.contains(.backup) else {
            return stages.map(\.rawValue).joined(separator: " → ")
        }
        let database = stages.filter { $0 == .backup || $0 == .migrate }
        let before = stages[..<build].map(\.rawValue)
        let after = stages[(build + 1)...].filter { !database.contains($0) }.map(\.rawValue)
        return (before + ["[build ∥ \(database.map(\.rawValue).joined(separator: " → "))]"] + after).joined(separator: " → ")
    }

    static func printSummary(_ summary: RunSummary) {
        let rows = summary.results.map { [$0.service, $0.outcome.rawValue, "\($0.exitCode.rawValue)", $0.deploymentID ?? "-", $0.message] }
        print("\n" + Terminal.table(["SERVICE", "OUTCOME", "EXIT", "DEPLOYMENT", "MESSAGE"], rows))
        print("exit \(summary.exitCode.rawValue)")
    }
}
