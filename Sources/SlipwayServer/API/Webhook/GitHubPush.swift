import Foundation
import SlipwayGit
import SlipwayModel

/// The fields of GitHub's `push` event that say what moved (docs.github.com, "Webhook events and
/// payloads", push): `ref`, `before`, `after`, `deleted`, and who pushed.
struct GitHubPush: Decodable, Equatable {
    var ref: String
    var before: String
    var after: String
    var deleted: Bool?
    var sender: Account?
    var pusher: Pusher?

    struct Account: Decodable, Equatable {
        var login: String
    }

    struct Pusher: Decodable, Equatable {
        var name: String?
    }

    /// - Throws: `SlipwayError(.badRequest)` naming what is missing or wrong.
    static func parse(_ body: Data) throws -> GitHubPush {
        let push: GitHubPush
        do {
            push = try JSONDecoder().decode(GitHubPush.self, from: body)
        } catch let error as DecodingError {
            throw SlipwayError(.badRequest, "a push event's body: \(RequestBodyProblem.message(for: error))")
        } catch {
            throw SlipwayError(.badRequest, "a push event's body is not JSON (the webhook's content type must be application/json)")
        }
        guard push.ref.hasPrefix("refs/"), !push.ref.contains(".."), push.ref.allSatisfy({ !$0.isWhitespace && $0 != "\0" }),
              push.ref.count <= 255 else {
            throw SlipwayError(.badRequest, "a push event's ref is not a ref: \(push.ref.prefix(100))")
        }
        for (field, id) in [("before", push.before), ("after", push.after)] where !RefUpdate.isObjectID(id) {
            throw SlipwayError(.badRequest, "a push event's \(field) is not an object id: \(id.prefix(100))")
        }
        return push
    }

    /// The update, a deletion when GitHub says `deleted` or `after` is all zeros.
    var update: RefUpdate {
        var update = RefUpdate(ref: ref, old: before, new: after)
        if deleted == true { update.after = nil }
        return update
    }

    /// `github:LOGIN` of the sender, as the records' actor; `github` when it names no one usable.
    var actor: String { GitHubPush.actor(login: sender?.login ?? pusher?.name) }

    static func actor(login: String?) -> String {
        // GitHub logins are letters, digits and hyphens, at most 39 characters.
        guard let login, !login.isEmpty, login.count <= 39,
              login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return "github" }
        return "github:" + login
    }
}
