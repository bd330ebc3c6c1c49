import NIOCore
@testable import SlipwayDocker
import SlipwayModel
import Testing

/// The small formats between Slipway and the engine: log frames, JSON lines, query strings,
/// command words, tags and exit codes.
@Suite struct WireFormatTests {
    @Test func logFramesSplitAcrossChunksAreReassembled() {
        func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
            let payload = Array(text.utf8)
            let length = UInt32(payload.count)
            return [stream, 0, 0, 0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
                    UInt8(length & 0xFF)] + payload
        }
        let bytes = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "")
        var frames = LogFrames()
        var outputs: [ContainerOutput] = []
        for index in stride(from: 0, to: bytes.count, by: 3) {
            outputs += frames.append(ByteBuffer(bytes: bytes[index..<min(index + 3, bytes.count)]))
        }
        #expect(outputs == [ContainerOutput(stream: .stdout, text: "hello\n"), ContainerOutput(stream: .stderr, text: "oops\n"),
                            ContainerOutput(stream: .stdout, text: "")])
    }

    @Test func queryValuesArePercentEncoded() {
        let request = EngineRequest(.get, "/containers/json", query: [("filters", #"{"label":["slipway.service=api"]}"#)])
        #expect(request.target(version: APIVersion(major: 1, minor: 41))
                == "/v1.41/containers/json?filters=%7B%22label%22%3A%5B%22slipway.service%3Dapi%22%5D%7D")
    }

    @Test func buildOutputNamesTheFailingStep() {
        var output = BuildOutput()
        _ = output.take(ProgressMessage(stream: "Step 1/2 : FROM scratch\n", status: nil, progress: nil, id: nil,
                                        error: nil, errorDetail: nil, aux: nil))
        _ = output.take(ProgressMessage(stream: "Step 2/2 : RUN make\n ---> Running in 1a2b\n", status: nil,
                                        progress: nil, id: nil, error: nil, errorDetail: nil, aux: nil))
        let lines = output.take(ProgressMessage(stream: nil, status: nil, progress: nil, id: nil, error: "make failed",
                                                errorDetail: .init(message: "make failed: exit 2"), aux: nil))
        #expect(output.step == "Step 2/2 : RUN make")
        #expect(output.failure == "make failed: exit 2")
        #expect(lines == ["error: make failed: exit 2"])
    }

    @Test func buildOutputMasksASecretTheEngineSendsInTwoMessages() {
        func stream(_ text: String) -> ProgressMessage {
            ProgressMessage(stream: text, status: nil, progress: nil, id: nil, error: nil, errorDetail: nil, aux: nil)
        }
        var output = BuildOutput(redactor: Redactor(secrets: ["CANARY-7k3q9x"]))
        var lines = output.take(stream("Step 1/1 : RUN ./build\n"))
        lines += output.take(stream("token CANARY-"))
        lines += output.take(stream("7k3q9x\nends with CANARY-7k3q9x"))
        lines += output.finish()
        #expect(lines == ["Step 1/1 : RUN ./build", "token ******", "ends with ******"])
    }

    @Test(arguments: [
        ("./app --port 8080", ["./app", "--port", "8080"]),
        ("  sh -c 'echo $PORT; exec app'  ", ["sh", "-c", "echo $PORT; exec app"]),
        (#"echo "a \"quoted\" \$word" b\ c"#, ["echo", #"a "quoted" $word"#, "b c"]),
        (#"app '' """#, ["app", "", ""]),
        ("a'b'\"c\"d", ["abcd"]),
    ])
    func runIsSplitLikeAShell(_ text: String, _ words: [String]) throws {
        #expect(try ShellWords.split(text) == words)
    }

    @Test func unclosedQuoteIsRefused() {
        #expect(throws: ShellWords.UnclosedQuote(quote: "\"")) { try ShellWords.split(#"echo "open"#) }
        #expect(throws: ShellWords.UnclosedQuote(quote: "'")) { try ShellWords.split("echo 'open") }
    }

    @Test func versionsBecomeValidTags() {
        #expect(ImageNames.tag("v1.4.0") == "v1.4.0")
        #expect(ImageNames.tag("release/1.4+build.7") == "release-1.4-build.7")
        #expect(ImageNames.tag(".hidden") == "_hidden")
        #expect(ImageNames.tag(String(repeating: "a", count: 200)).count == 128)
    }

    @Test func pulledNameTakesTheVersionUnlessItHasATagOrDigest() {
        let release = Release(id: "r", service: "api", ref: "v2", commit: "c", version: "v2", directory: "/d",
                              createdAt: .now, buildSeconds: 0)
        #expect(ImageNames.pullReference(name: "registry.example:5000/api", release: release)?.description
                == "registry.example:5000/api:v2")
        #expect(ImageNames.pullReference(name: "api:stable", release: release)?.description == "api:stable")
    }

    @Test func exitCodesAboveOneTwentyEightAreSignals() {
        #expect(WatchedContainer.exit(code: 0) == (0, nil))
        #expect(WatchedContainer.exit(code: 3) == (3, nil))
        #expect(WatchedContainer.exit(code: 137) == (nil, 9))
        #expect(WatchedContainer.exit(code: 143) == (nil, 15))
        #expect(WatchedContainer.exit(code: nil) == (nil, nil))
    }

    @Test func apiVersionsCompareNumerically() {
        #expect(APIVersion("1.9")! < APIVersion("1.41")!)
        #expect(min(APIVersion("1.51")!, APIVersion.newest) == APIVersion.newest)
        #expect(APIVersion("one") == nil)
    }
}
