/// Who sent a request to the API, as the daemon itself established it (never as the request says):
/// on the unix socket the peer's OS user (SO_PEERCRED), on the TCP API the name of the bearer
/// token it presented. `name` is what records and audit entries call the actor.
package struct Caller: Sendable, Equatable {
    package var name: String
    package var role: Role
    /// Where the request came from, for the audit trail: `unix socket (uid 1000)`, `10.0.0.7:51234`.
    package var address: String

    package init(name: String, role: Role, address: String) {
        self.name = name
        self.role = role
        self.address = address
    }

    /// Whether this caller's role is at least `required`.
    package func may(_ required: Role) -> Bool { role >= required }
}
