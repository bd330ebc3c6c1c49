extension ProxyRequestHandler {
    /// What the proxy answers itself on a plain connection, before routing: an ACME HTTP-01
    /// challenge first (the CA validates over plain HTTP, so it must not be redirected), then
    /// `redirect_http`'s 308 for a host with a certificate.
    func plainAnswer(_ head: RequestHead) -> LocalResponse? {
        if let answer = loop.settings.acmeChallenges?.response(method: head.method, target: head.target) { return answer }
        if let location = loop.settings.httpsRedirect?.location(hostHeader: head.host, target: head.target) {
            return .redirect(to: location)
        }
        return nil
    }
}
