import Foundation
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix

// The example service bundled with Slipway: what `slipway demo` deploys, and a real upstream for tests.
// Listens on 127.0.0.1:$PORT; on SIGTERM it stops accepting, lets in-flight requests finish, and exits.
let environment = ProcessInfo.processInfo.environment
guard let port = environment["PORT"].flatMap(Int.init) else {
    FileHandle.standardError.write("slipway-example: PORT is not set\n".data(using: .utf8)!)
    exit(64)
}
/// Writes a line straight to the log file (unbuffered): a release that fails its health check is
/// diagnosed from the last lines of its log, which must be there while it still runs.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let behaviour = ExampleBehaviour.load(directory: FileManager.default.currentDirectoryPath, environment: environment)
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let quiesce = ServerQuiescingHelper(group: group)
// The handler is in place before the port is bound, so no SIGTERM is lost in between: one that
// arrives early is handled on the main queue once `dispatchMain` runs, after the bind.
signal(SIGTERM, SIG_IGN)
let termination = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
termination.setEventHandler {
    say("slipway-example \(behaviour.version): SIGTERM, finishing in-flight requests")
    let done = group.next().makePromise(of: Void.self)
    quiesce.initiateShutdown(promise: done)
    done.futureResult.whenComplete { _ in exit(0) }
}
termination.resume()
// `STARTUP` (`1s`): a release slow to start, for what waits for it (recreate's held requests).
if behaviour.startup > .zero { Thread.sleep(forTimeInterval: Double(behaviour.startup.components.seconds)
                                            + Double(behaviour.startup.components.attoseconds) / 1e18) }
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .serverChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
        }
    }
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: nil, withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(ExampleHandler(behaviour: behaviour))
        }
    }
    .bind(host: "127.0.0.1", port: port)
    .wait()
say("slipway-example \(behaviour.version) listening on 127.0.0.1:\(port)")

dispatchMain()
