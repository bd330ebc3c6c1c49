import Foundation
import SlipwayModel

/// What the deployment page's template reads: the record's facts, its stages as they went, and a
/// rollout's windows (table and chart).
struct DeploymentView {
    struct Stage {
        let name: String
        let word: String
        let icon: String
        let tone: String
        let started: String
        let duration: String
        let message: String?
    }

    struct Step {
        let number: Int
        let weight: Int
        let canary: String
        let baseline: String
        let word: String?
        let icon: String?
        let tone: String?
        let reason: String?
        let note: String?
    }

    struct Signature {
        let actor: String
        let at: String
        let comment: String?
    }

    let id: String
    let service: String
    let environment: String?
    let kind: String
    let version: String
    let ref: String?
    let commit: String?
    let actor: String
    let trigger: String?
    let strategy: String?
    let fromRelease: String?
    let toRelease: String?
    let started: String
    let finished: String?
    let duration: String
    let word: String
    let icon: String
    let tone: String
    let exitCode: String?
    let message: String?
    let stages: [Stage]
    let hasStages: Bool
    let approvals: [Signature]
    let rejection: Signature?
    let rollout: Bool
    let conclusion: String?
    let steps: [Step]
    /// Inline SVG, made by `RolloutChart` from numbers only.
    let chart: String?
    let finishedRecord: Bool

    init(_ record: Deployment) {
        id = record.id
        service = record.service
        environment = record.environment
        kind = record.kind.rawValue.replacingOccurrences(of: "_", with: " ")
        version = record.version ?? record.ref ?? "-"
        ref = record.ref
        commit = record.commit.map { String($0.prefix(12)) }
        actor = record.actor
        trigger = record.trigger?.rawValue
        strategy = record.strategy?.rawValue
        fromRelease = record.fromRelease
        toRelease = record.toRelease
        started = DashboardFormat.time(record.startedAt)
        finished = record.finishedAt.map(DashboardFormat.time)
        duration = DashboardFormat.duration(record.durationSeconds)
        let badge = DashboardFormat.badge(record.outcome)
        (word, icon, tone) = (badge.word, badge.icon, badge.tone)
        exitCode = record.exitCode.map { "\($0.rawValue): \($0.meaning)" }
        message = record.message
        stages = record.stages.map { stage in
            let badge = DashboardFormat.badge(stage.outcome)
            return Stage(name: stage.name.rawValue, word: badge.word, icon: badge.icon, tone: badge.tone,
                         started: DashboardFormat.time(stage.startedAt),
                         duration: DashboardFormat.duration(stage.finishedAt.map { $0.timeIntervalSince(stage.startedAt) }),
                         message: stage.message)
        }
        hasStages = !stages.isEmpty
        approvals = record.approvalsGiven.map { Signature(actor: $0.actor, at: DashboardFormat.time($0.at), comment: $0.comment) }
        rejection = record.rejection.map { Signature(actor: $0.actor, at: DashboardFormat.time($0.at), comment: $0.comment) }
        rollout = record.rollout != nil
        conclusion = record.rollout?.conclusion
        steps = (record.rollout?.steps ?? []).map { step in
            let badge = step.verdict.map { DashboardFormat.badge($0.decision) }
            return Step(number: step.index + 1, weight: step.weight, canary: Self.figures(step.canary),
                        baseline: Self.figures(step.baseline), word: badge?.word, icon: badge?.icon, tone: badge?.tone,
                        reason: step.verdict?.reason, note: step.note)
        }
        chart = record.rollout.flatMap { RolloutChart.svg($0.steps) }
        finishedRecord = record.outcome.isFinal
    }

    private static func figures(_ figures: ReleaseFigures?) -> String {
        guard let figures else { return "-" }
        return "\(figures.requests) requests, \(figures.errors) errors (\(DashboardFormat.percent(figures.errorRate))), "
            + "p95 \(DashboardFormat.milliseconds(figures.p95Milliseconds))"
    }
}
