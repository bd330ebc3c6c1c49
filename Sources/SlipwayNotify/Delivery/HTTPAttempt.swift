import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// One request, bounded by `timeout` from the moment it starts to the last byte of the answer read.
///
/// AsyncHTTPClient's deadline ends once the response head has arrived, so a server that answers
/// the head and then stalls would hold the body forever; the attempt races a timer, and cancelling
/// the losing request closes its connection.
struct HTTPAttempt {
    /// How much of an answer's body is read to say why it was refused.
    static let bodyLimit = 16 * 1024
    static let detailLimit = 200

    let client: HTTPClient
    let logger: Logger

    /// How long after the client's own deadline the timer ends an attempt: the client's error (a
    /// refused connection, say) says more than the timer's, so it is given the chance to come first.
    static let grace = Duration.milliseconds(50)

    func run(_ request: HTTPClientRequest, timeout: Duration) async -> AttemptOutcome {
        let deadline = ContinuousClock.now + timeout
        return await withTaskGroup(of: AttemptOutcome?.self) { group in
            group.addTask { await send(request, deadline: deadline, timeout: timeout) }
            group.addTask {
                do {
                    try await Task.sleep(until: deadline + Self.grace, clock: .continuous)
                } catch {
                    return nil
                }
                return .retryable(FailureText.noAnswer(within: timeout))
            }
            var outcome = AttemptOutcome.retryable("cancelled")
            while let next = await group.next() {
                if let next {
                    outcome = next
                    break
                }
            }
            group.cancelAll()
            return outcome
        }
    }

    private func send(_ request: HTTPClientRequest, deadline: ContinuousClock.Instant,
                      timeout: Duration) async -> AttemptOutcome {
        let remaining = ContinuousClock.now.duration(to: deadline)
        do {
            let response = try await client.execute(request, deadline: .now() + .nanoseconds(remaining.nanoseconds),
                                                    logger: logger)
            let status = Int(response.status.code)
            // A success is not held up by its body; dropping it closes the connection, which is
            // cheap at the rate deployments happen.
            guard !(200..<300).contains(status) else { return .delivered }
            let body = await Self.read(response.body)
            var retryAfter = RetryAfter.parse(response.headers.first(name: "Retry-After"))
            if status == 429, retryAfter == nil { retryAfter = TelegramAnswer.retryAfter(in: body) }
            return .judging(status: status, retryAfter: retryAfter, detail: Self.detail(of: body))
        } catch {
            return FailureText.outcome(of: error, timeout: timeout)
        }
    }

    /// The start of a refusal's body.
    private static func read(_ body: HTTPClientResponse.Body) async -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                bytes += chunk.readableBytesView.prefix(bodyLimit - bytes.count)
                if bytes.count >= bodyLimit { break }
            }
        } catch {
            // What arrived is enough to say why; the status already says it failed.
        }
        return bytes
    }

    /// One line of what the server said: Telegram's `description`, else the body's first line.
    static func detail(of body: [UInt8]) -> String {
        if let description = TelegramAnswer.description(in: body) { return shortened(description) }
        let text = String(decoding: body, as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return shortened(firstLine.trimmingCharacters(in: .whitespaces))
    }

    private static func shortened(_ text: String) -> String {
        text.count > detailLimit ? String(text.prefix(detailLimit)) + "…" : text
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
