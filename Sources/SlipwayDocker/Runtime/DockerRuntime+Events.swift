import Foundation
import NIOCore
import SlipwayCore
import SlipwayModel
import SlipwayPOSIX

extension DockerRuntime {
    /// Follows the engine's `die` events of Slipway's containers until the task running it is
    /// cancelled, reconnecting (from the last event seen) when the stream breaks. Containers keep
    /// running when it ends.
    package func run() async throws {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await followEvents()
                delay = .milliseconds(200)
            } catch {
                if Task.isCancelled || error is CancellationError { return }
                logger.warning("the Docker engine's event stream broke: \(error); reconnecting in \(delay)")
            }
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// One connection to `GET /events`: once it is open, the containers that ended while no stream
    /// was open are settled by inspecting them; then each event as it comes.
    func followEvents() async throws {
        var query = [("filters", try DockerEngine.filters([
            "type": ["container"], "event": ["die"], "label": [ContainerLabels.service],
        ]))]
        if let lastEventTime {
            query.append(("since", "\(lastEventTime / 1_000_000_000).\(Self.nineDigits(lastEventTime % 1_000_000_000))"))
        }
        var request = EngineRequest(.get, "/events", query: query.map { (name: $0.0, value: $0.1) })
        request.timeout = nil
        let response = try await engine.send(request)
        if response.status.code >= 300 {
            let body = (try? await response.body.collect(upTo: 1 << 16)) ?? ByteBuffer()
            try engine.check(response.status.code, body: body, request: request)
        }
        await settleWatched()
        var lines = LineSplitter(maximumLineBytes: DockerEngine.maximumMessageBytes)
        var chunks = response.body.makeAsyncIterator()
        while let chunk = try await engine.nextChunk(&chunks, request: request) {
            for line in lines.messageLines(in: chunk) {
                guard let event = try? JSONDecoder().decode(EngineEvent.self, from: Data(line.utf8)) else { continue }
                handle(event)
            }
        }
    }

    func handle(_ event: EngineEvent) {
        if let time = event.timeNano { lastEventTime = max(lastEventTime ?? 0, time) }
        guard event.type == "container", event.action == "die", var entry = watched[event.actor.id] else { return }
        let code = event.actor.attributes?["exitCode"].flatMap { Int32($0) }
        if entry.starting {
            entry.diedDuringStart = true
            entry.exitCodeDuringStart = code
            watched[event.actor.id] = entry
            return
        }
        report(event.actor.id, exitCode: code)
    }

    /// Reports the watched containers that no longer run (or no longer exist).
    func settleWatched() async {
        for (id, entry) in watched where !entry.starting {
            // An engine that cannot say now leaves it to the next connection.
            if let code = await engine.lookUpContainer(id).ended { report(id, exitCode: code) }
        }
    }

    /// Stops watching a container and reports its exit, once.
    func report(_ id: String, exitCode: Int32?) {
        guard let entry = watched.removeValue(forKey: id) else { return }
        let (status, signal) = WatchedContainer.exit(code: exitCode)
        let exit = InstanceExit(instance: entry.instance, status: status, signal: signal, requested: entry.stopRequested)
        if exit.requested {
            logger.info("container stopped: \(exit.summary)", metadata: Self.metadata(entry.instance))
        } else {
            logger.warning("container exited unexpectedly: \(exit.summary)", metadata: Self.metadata(entry.instance))
        }
        exitSink.yield(exit)
    }

    static func nineDigits(_ value: Int64) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 9 - text.count)) + text
    }
}
