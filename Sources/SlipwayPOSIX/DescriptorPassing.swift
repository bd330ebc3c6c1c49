import Glibc

/// Sends open file descriptors to another process over a unix socket (`SCM_RIGHTS`, unix(7)): how
/// a proxy hands its listening sockets to the proxy replacing it, as HAProxy's and Envoy's hot
/// restarts do. The receiver gets its own descriptors for the same open sockets, so a connection
/// waiting in a listen queue is accepted by whichever process accepts next and none is refused.
///
/// `CMSG_*` are C macros Swift does not import; the layout they compute is reproduced here
/// (a `cmsghdr`, then the descriptors, each part aligned to `size_t`).
extension UnixSocket {
    /// Sends `descriptors` with `payload` (at least one byte: Linux drops ancillary data sent
    /// with an empty message).
    package func send(descriptors: [Int32], payload: [UInt8]) throws(SpawnError) {
        precondition(!payload.isEmpty, "SCM_RIGHTS needs at least one byte of data")
        let dataLength = descriptors.count * MemoryLayout<Int32>.size
        var control = [UInt8](repeating: 0, count: Self.controlSpace(descriptors: descriptors.count))
        control.withUnsafeMutableBytes { raw in
            let header = raw.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
            header.pointee.cmsg_len = Self.headerLength + dataLength
            header.pointee.cmsg_level = SOL_SOCKET
            header.pointee.cmsg_type = Int32(SCM_RIGHTS)
            let data = raw.baseAddress! + Self.headerLength
            descriptors.withUnsafeBytes { data.copyMemory(from: $0.baseAddress!, byteCount: dataLength) }
        }
        var payload = payload
        let sent = payload.withUnsafeMutableBytes { bytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlBytes.count
                    return sendmsg(descriptor, &message, Int32(MSG_NOSIGNAL))
                }
            }
        }
        guard sent == payload.count else { throw SpawnError(operation: "sendmsg(SCM_RIGHTS)", code: sent < 0 ? errno : EIO) }
    }

    /// Receives what `send(descriptors:payload:)` sent: the descriptors (close-on-exec) and the
    /// payload bytes that arrived with them (at most `maximumPayload`).
    package func receiveDescriptors(maximum: Int = 64, maximumPayload: Int = 4096) throws(SpawnError) -> (descriptors: [Int32], payload: [UInt8]) {
        var payload = [UInt8](repeating: 0, count: maximumPayload)
        var control = [UInt8](repeating: 0, count: Self.controlSpace(descriptors: maximum))
        var received = 0
        var controlLength = 0
        repeat {
            received = payload.withUnsafeMutableBytes { bytes in
                control.withUnsafeMutableBytes { controlBytes in
                    var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var message = msghdr()
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        let count = recvmsg(descriptor, &message, Int32(MSG_CMSG_CLOEXEC))
                        controlLength = message.msg_controllen
                        return count
                    }
                }
            }
        } while received < 0 && errno == EINTR
        guard received >= 0 else { throw SpawnError(operation: "recvmsg(SCM_RIGHTS)", code: errno) }
        guard received > 0 else { throw SpawnError("the peer closed before sending its descriptors") }
        var descriptors: [Int32] = []
        control.withUnsafeBytes { raw in
            var offset = 0
            while offset + Self.headerLength <= controlLength {
                let header = raw.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
                guard header.cmsg_len >= Self.headerLength else { break }
                if header.cmsg_level == SOL_SOCKET && header.cmsg_type == Int32(SCM_RIGHTS) {
                    let count = (Int(header.cmsg_len) - Self.headerLength) / MemoryLayout<Int32>.size
                    for index in 0..<count {
                        descriptors.append(raw.loadUnaligned(fromByteOffset: offset + Self.headerLength + index * 4, as: Int32.self))
                    }
                }
                offset += Self.aligned(Int(header.cmsg_len))
            }
        }
        return (descriptors, Array(payload[..<received]))
    }

    /// `CMSG_LEN(0)`: the header, aligned.
    private static var headerLength: Int { aligned(MemoryLayout<cmsghdr>.size) }

    /// `CMSG_SPACE(n * sizeof(int))`.
    private static func controlSpace(descriptors: Int) -> Int {
        headerLength + aligned(max(descriptors, 1) * MemoryLayout<Int32>.size)
    }

    private static func aligned(_ length: Int) -> Int {
        let alignment = MemoryLayout<Int>.size
        return (length + alignment - 1) & ~(alignment - 1)
    }
}
