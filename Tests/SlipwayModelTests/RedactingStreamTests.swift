import SlipwayModel
import Testing

/// `RedactingStream`: a stream redacted as it comes reads exactly as the whole text redacted at once,
/// however it is cut into chunks.
@Suite struct RedactingStreamTests {
    static func redact(_ chunks: [String], _ redactor: Redactor) -> (text: String, held: [Int]) {
        var stream = RedactingStream(redactor)
        var output: [UInt8] = []
        var held: [Int] = []
        for chunk in chunks {
            output += stream.append(Array(chunk.utf8))
            held.append(stream.heldBytes)
        }
        output += stream.finish()
        return (String(decoding: output, as: UTF8.self), held)
    }

    @Test func aSecretSplitAcrossChunksIsMaskedWhole() {
        let redactor = Redactor(secrets: ["CANARY-7k3q9x"])
        #expect(Self.redact(["token: CANARY-", "7k3q9x\n"], redactor).text == "token: ******\n")
        #expect(Self.redact(["C", "A", "N", "A", "R", "Y", "-7k3q9", "x"], redactor).text == "******")
        // Only what may begin the secret waits; the rest passes at once.
        #expect(Self.redact(["token: CANARY-", "7k3q9x\n"], redactor).held == [7, 0])
        #expect(Self.redact(["abc CANARY-7k", "3 nope"], redactor) == ("abc CANARY-7k3 nope", [9, 0]))
    }

    @Test func theEndOfAStreamWithoutANewlineIsMasked() {
        let redactor = Redactor(secrets: ["CANARY-7k3q9x"])
        #expect(Self.redact(["last words: CANARY-7k3q9x"], redactor).text == "last words: ******")
        // What was held back for a secret that never came is given back at the end, as it was.
        #expect(Self.redact(["ends with CANARY-7k"], redactor).text == "ends with CANARY-7k")
    }

    @Test func aLineLongerThanAnyBufferHoldsBackNoMoreThanASecret() {
        let redactor = Redactor(secrets: ["CANARY-7k3q9x"])
        let long = String(repeating: "x", count: 70_000)
        let (text, held) = Self.redact([long, "CANARY-7k3", "q9x", "\n"], redactor)
        #expect(text == long + "******\n")
        #expect(held == [0, 10, 0, 0])
    }

    @Test func theLongerSecretWinsEvenWhenTheShorterIsWholeFirst() {
        let redactor = Redactor(secrets: ["abcd", "abcdefgh"])
        // "abcd" is whole after the first chunk, but "abcdefgh" may still follow: wait.
        #expect(Self.redact(["xabcd", "efgh!"], redactor).text == "x******!")
        #expect(Self.redact(["xabcd", "e!"], redactor).text == "x******e!")
        #expect(Self.redact(["xabcd"], redactor).text == "x******")
    }

    @Test func withoutSecretsNothingIsHeld() {
        var stream = RedactingStream(Redactor())
        #expect(stream.append(Array("CANARY".utf8)) == Array("CANARY".utf8))
        #expect(stream.heldBytes == 0)
        #expect(stream.finish().isEmpty)
    }

    /// The property itself, over random texts made of pieces of the secrets and random cuts.
    @Test func anyCutReadsAsTheWholeRedactedAtOnce() {
        let secrets = ["abcd", "abcdefgh", "efgh1234", "****", "pässwörd", "line\nbreak", "aaaa"]
        let redactor = Redactor(secrets: secrets)
        let pieces = secrets.flatMap { [$0, String($0.prefix(2)), String($0.suffix(3))] } + ["x", " ", "\n", "a", "é", "*"]
        var rng = SplitMix64(seed: 0x5EC2E7)
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let bytes = Array(text.utf8)
            var cuts = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int.random(in: 0...bytes.count, using: &rng) }.sorted()
            cuts.append(bytes.count)
            var stream = RedactingStream(redactor)
            var output: [UInt8] = []
            var start = 0
            for cut in cuts {
                output += stream.append(bytes[start..<cut])
                #expect(stream.heldBytes < redactor.longestSecretBytes)
                start = cut
            }
            output += stream.finish()
            #expect(String(decoding: output, as: UTF8.self) == redactor.redact(text), "\(text.debugDescription) cut at \(cuts)")
        }
    }
}

/// A small seeded generator, so a failure replays.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
