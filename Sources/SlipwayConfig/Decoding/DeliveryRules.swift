import SlipwayModel

/// What the strategy and `exclusive` say about the other keys of a service, once all are decoded.
/// A value written wrong is nil here (already reported), and the rules about it keep quiet.
struct DeliveryRules {
    let log: IssueLog
    /// The service's own mapping: where each key is written.
    let fields: MappingFields

    func report(strategy: Strategy?, replicas: Int?, docker: DockerServiceConfig?) {
        let strategyNode = fields["strategy"]
        // A `blue_green:` block without a preview is reported at the block itself.
        if strategy == .blueGreen, fields["blue_green"] == nil, let strategyNode {
            log.add("blue_green needs blue_green.preview: a host, a header or both", at: strategyNode)
        }
        guard docker?.exclusive == true, let exclusiveNode = fields["exclusive"] else { return }
        let exclusive = "an exclusive service (exclusive: true)"
        // Reported at `strategy` when it is written: that is what the user would change.
        if let strategy, strategy.runsTwoReleases {
            let reason = "can only be deployed with strategy: recreate"
            if let strategyNode {
                log.add("\(exclusive) \(reason); \(strategy.rawValue) runs the old and the new release at once",
                        at: strategyNode)
            } else {
                log.add("\(exclusive) \(reason); the default strategy, switch, runs the old and the new release at once",
                        at: exclusiveNode)
            }
        }
        // Replicas are containers of one release running at once: what `exclusive` forbids too.
        if let replicas, replicas > 1, let replicasNode = fields["replicas"] {
            log.add("\(exclusive) runs one container at a time: replicas must be 1, got \(replicas)", at: replicasNode)
        }
    }
}
