/// How many deployments (and rollbacks) of one service in one environment ended one way.
package struct DeploymentTotal: Sendable, Equatable, Codable {
    package var service: ServiceKey
    package var outcome: Deployment.Outcome
    package var count: Int

    package init(service: ServiceKey, outcome: Deployment.Outcome, count: Int) {
        self.service = service
        self.outcome = outcome
        self.count = count
    }
}
