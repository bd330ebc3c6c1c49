import SlipwayModel

extension DockerRuntime {
    /// The last `lines` lines the container wrote, stdout and stderr interleaved as written.
    package nonisolated func logTail(_ instance: Instance, lines: Int) async -> String {
        guard let id = instance.containerID else { return "" }
        var text = ""
        do {
            try await engine.followLogs(id, tail: lines, follow: false) { text += $0.text }
        } catch {
            return "(its output cannot be read: \(error))"
        }
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false)
        let trimmed = kept.last == "" ? kept.dropLast() : kept[...]
        return trimmed.suffix(lines).joined(separator: "\n")
    }

    /// The container's output as it comes: the last `tail` lines (all without a tail), then, with
    /// `follow`, what it writes until it stops or the calling task is cancelled. For `slipway logs`.
    package nonisolated func logs(_ instance: Instance, tail: Int?, follow: Bool,
                                 _ output: (ContainerOutput) async throws -> Void) async throws {
        guard let id = instance.containerID else {
            throw SlipwayError(.unknownRelease, "release \(instance.releaseID) has no container",
                               context: ErrorContext(service: instance.service))
        }
        do {
            try await engine.followLogs(id, tail: tail, follow: follow, output)
        } catch let error as EngineError where error.isNotFound {
            throw SlipwayError(.unknownRelease, "the container of release \(instance.releaseID) no longer exists",
                               context: ErrorContext(service: instance.service))
        }
    }
}
