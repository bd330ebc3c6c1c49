import Foundation
import SlipwayModel
import Testing

/// Roles are a closed, ordered vocabulary: each may do what the ones below it may.
@Suite struct RoleTests {
    @Test func rolesAreOrderedFromViewerToAdmin() {
        #expect(Role.allCases == [.viewer, .deployer, .approver, .admin])
        #expect(Role.viewer < .deployer && .deployer < .approver && .approver < .admin)
        #expect(Role.allCases.sorted() == Role.allCases)
        #expect(Role.allCases.max() == .admin)
        #expect(Role.spelled == "viewer, deployer, approver, admin")
    }

    @Test func aCallerMayWhatItsRoleAndTheRolesBelowMay() {
        for role in Role.allCases {
            let caller = Caller(name: "x", role: role, address: "test")
            for required in Role.allCases {
                #expect(caller.may(required) == (required <= role), "\(role) for \(required)")
            }
        }
    }

    @Test func tokenNamesAreActorsFitForTablesAndAuditLines() {
        for name in ["ci", "release-bot", "alice@example.com", "deploy_2", String(repeating: "a", count: 64)] {
            #expect(APIToken.isValidName(name), "\(name)")
        }
        for name in ["", "-ci", ".x", "bad name", "eve\nforged", "tab\there", "é", String(repeating: "a", count: 65), "a/b"] {
            #expect(!APIToken.isValidName(name), "\(name)")
        }
    }

    @Test func requestsIgnoreAnActorInTheirBody() throws {
        let decoded = try APICoding.decoder().decode(DeployRequest.self, from: Data(#"{"service": "web", "actor": "mallory"}"#.utf8))
        #expect(decoded.actor == "")
        #expect(decoded.ref == "HEAD")
        let encoded = String(decoding: try APICoding.encoder().encode(DeployRequest(service: "web", actor: "bob")), as: UTF8.self)
        #expect(!encoded.contains("actor"))
        let rollback = try APICoding.decoder().decode(RollbackRequest.self, from: Data(#"{"service": "web", "actor": "m"}"#.utf8))
        #expect(rollback.actor == "")
        let run = try APICoding.decoder().decode(RunRequest.self, from: Data(#"{"actor": "m"}"#.utf8))
        #expect(run.actor == "" && run.to == "HEAD")
    }
}
