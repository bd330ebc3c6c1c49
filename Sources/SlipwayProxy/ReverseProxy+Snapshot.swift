import SlipwayModel

extension ReverseProxy {
    /// The whole route table, sorted by service: what a proxy process persists after every change
    /// and hands to its successor.
    package func routeSnapshot() -> [ProxyRoute] {
        router.withLock { state in
            state.services.map {
                ProxyRoute(service: $0.key, route: $0.value.route, backends: $0.value.backends, control: $0.value.control,
                           retired: $0.value.retired)
            }
        }.sorted { $0.service < $1.service }
    }

    /// Replaces the route table with `routes` (a restarted or successor proxy's first table) and
    /// returns once every event loop runs it.
    package func restore(_ routes: [ProxyRoute]) async {
        let state = router.withLock { state in
            state.services = Dictionary(routes.map { ($0.service, RouterState.Service(route: $0.route, backends: $0.backends,
                                                                                      control: $0.control ?? TrafficControl(),
                                                                                      retired: $0.retired ?? [])) },
                                        uniquingKeysWith: { _, last in last })
            state.refreshLoads()
            state.version += 1
            return state
        }
        await publish(state)
    }
}

extension ReverseProxy {
    /// Where the proxy listens once bound; nil before.
    package func boundAddress() -> SocketAddressSpec? {
        binding.withLock { binding in
            if case .bound(let address) = binding { return address }
            return nil
        }
    }
}
