import SlipwayModel

extension ServiceConfig {
    /// Every request to one release's instances, balanced as the service says; nil (503) for none.
    func backends(_ upstreams: [Upstream]) -> Backends? {
        Backends.release(upstreams, balance: delivery.balance, sticky: delivery.sticky)
    }

    func backends(_ instances: [Instance]) -> Backends? { backends(instances.map(\.upstream)) }
}
