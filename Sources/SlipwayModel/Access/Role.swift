/// What a caller of the API may do. Ordered: each role may do what the ones below it may.
///
/// - `viewer` reads (every `GET`);
/// - `deployer` also deploys, rolls back, plans and runs (and, with environments, promotes);
/// - `approver` also approves, rejects, freezes and unfreezes (with environments);
/// - `admin` also manages API tokens (and, with environments, passes `--override`).
///
/// The unix socket's caller is always `admin`: whoever can open the socket owns the state directory.
package enum Role: String, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case viewer
    case deployer
    case approver
    case admin

    package var description: String { rawValue }

    /// The roles as a user writes them, lowest first: `viewer, deployer, approver, admin`.
    package static var spelled: String { allCases.map(\.rawValue).joined(separator: ", ") }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    package static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
