import SlipwayModel

/// What the driver tells a canary's `analysis.run` command about the step it judges (as
/// `SLIPWAY_*` variables): the check runs after the step's window passed, so `verdict` is a pass.
package struct RolloutCheckContext: Sendable, Equatable {
    /// 0-based, in `canary.steps`.
    package var step: Int
    package var weight: Int
    package var verdict: AnalysisVerdict

    package init(step: Int, weight: Int, verdict: AnalysisVerdict) {
        self.step = step
        self.weight = weight
        self.verdict = verdict
    }
}
