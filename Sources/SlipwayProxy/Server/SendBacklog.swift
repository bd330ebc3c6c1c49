import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// How much written to a client connection it has not taken yet: the bytes waiting in the channel
/// (NIO's pending writes) plus, on Linux, the socket's send queue (`SO_MEMINFO`'s `wmem_queued`,
/// the memory of what was sent but not acknowledged, or not sent). The send queue shrinks as the
/// client reads, even while too little room opens for epoll to call the socket writable (a quarter
/// of a send buffer that autotuning grew to megabytes), so a slow reader shows progress at once.
/// The measure goes up as the upstream adds to it; it goes down only when the client takes bytes.
enum SendBacklog {
    static func measure(_ channel: Channel) -> EventLoopFuture<Int> {
        let pending = (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
        #if os(Linux)
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(pending)
        }
        // SO_MEMINFO (55): u32[SK_MEMINFO_VARS]; index 5 is SK_MEMINFO_WMEM_QUEUED.
        let memInfo: EventLoopFuture<MemInfo> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET),
                                                                               name: SocketOptionName(55))
        return memInfo.map { pending + Int($0.5) }.recover { _ in pending }
        #else
        return channel.eventLoop.makeSucceededFuture(pending)
        #endif
    }

    private typealias MemInfo = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
}
