import AsyncHTTPClient
import NIOCore
import SlipwayModel
import SlipwayProxy
import Testing

/// Bodies far larger than the memory the proxy may use pass through it. One at a time: the
/// resident-set check measures the whole test process.
@Suite(.serialized) struct StreamingTests {
    static let largeBody = 1 << 30
    /// Proxy, backend and client share this process; together they may grow by this much.
    static let memoryBound = 64 << 20

    @Test(.timeLimit(.minutes(3)))
    func largeUploadStreamsThroughWithBoundedMemory() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let body = GeneratedBody(chunkSize: 256 * 1024, chunks: Self.largeBody / (256 * 1024))
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(client.port)/upload")
            request.method = .POST
            request.body = .stream(body, length: .known(Int64(body.totalBytes)))

            var answer = ""
            let growth = try await peakResidentGrowth {
                let response = try await client.http.execute(request, timeout: .minutes(3))
                #expect(response.status == .ok)
                answer = String(buffer: try await response.body.collect(upTo: 1024))
            }
            #expect(answer == "received \(Self.largeBody)")
            #expect(web.uploadedBytes == Self.largeBody)
            #expect(growth < Self.memoryBound, "resident set grew by \(growth >> 20) MiB")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func largeDownloadStreamsThroughWithBoundedMemory() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(client.port)/download/\(Self.largeBody)")

            var received = 0
            let growth = try await peakResidentGrowth {
                let response = try await client.http.execute(request, timeout: .minutes(3))
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "content-length") == String(Self.largeBody))
                for try await chunk in response.body { received += chunk.readableBytes }
            }
            #expect(received == Self.largeBody)
            #expect(growth < Self.memoryBound, "resident set grew by \(growth >> 20) MiB")
        }
    }

    @Test func chunkedUploadOfUnknownLengthArrivesWhole() async throws {
        try await withProxyToWeb { proxy, client, web async throws in
            let body = GeneratedBody(chunkSize: 10_000, chunks: 300)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(client.port)/upload")
            request.method = .PUT
            request.body = .stream(body, length: .unknown)
            let response = try await client.http.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "received 3000000")
        }
    }
}
