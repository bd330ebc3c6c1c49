import Foundation
import SlipwayModel

/// Browsers signed in to the dashboard. A token is exchanged once for a session: its id (256 random
/// bits) travels in an `HttpOnly`, `SameSite=Strict` cookie, and every form that changes something
/// carries the session's own CSRF token. Sessions live in the daemon's memory and expire after
/// `lifetime`; signing out, or a daemon restart, ends them.
actor DashboardSessions {
    struct Session: Sendable, Equatable {
        let id: String
        let csrf: String
        let caller: Caller
        let expires: Date
    }

    private var sessions: [String: Session] = [:]
    let lifetime: TimeInterval
    private let now: @Sendable () -> Date

    init(lifetime: TimeInterval = 12 * 3600, now: @escaping @Sendable () -> Date = Date.init) {
        self.lifetime = lifetime
        self.now = now
    }

    /// A new session for `caller`.
    func open(_ caller: Caller) -> Session {
        let at = now()
        sessions = sessions.filter { $0.value.expires > at }
        let session = Session(id: BearerToken.randomHex(bytes: 32), csrf: BearerToken.randomHex(bytes: 32), caller: caller,
                              expires: at.addingTimeInterval(lifetime))
        sessions[session.id] = session
        return session
    }

    /// The live session a cookie names; nil for none, an unknown id or an expired one.
    func session(_ id: String?) -> Session? {
        guard let id, let session = sessions[id] else { return nil }
        guard session.expires > now() else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    func close(_ id: String) { sessions[id] = nil }
}
