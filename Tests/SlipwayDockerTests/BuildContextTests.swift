import Foundation
@testable import SlipwayDocker
import NIOCore
import SlipwayTestSupport
import Testing

/// The build context as a tar stream, checked by GNU tar reading it back.
@Suite struct BuildContextTests {
    @Test func tarOfTheContextExtractsToTheSameTree() async throws {
        let workspace = try TemporaryDirectory(prefix: "slipway-docker")
        defer { workspace.remove() }
        let root = workspace.path + "/context"
        let longName = String(repeating: "deep-directory-name/", count: 6) + String(repeating: "f", count: 90) + ".txt"
        try workspace.write("context/Dockerfile", "FROM scratch\n")
        try workspace.write("context/bin/run.sh", "#!/bin/sh\necho hi\n")
        chmod(root + "/bin/run.sh", 0o755)
        try workspace.write("context/data/big.bin", String(repeating: "x", count: 700_000))
        try workspace.write("context/empty", "")
        try workspace.write("context/" + longName, "long\n")
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: "bin/run.sh")
        try FileManager.default.createDirectory(atPath: root + "/emptydir", withIntermediateDirectories: true)

        let context = try BuildContext.scan(root: root, dockerfile: "Dockerfile")
        let archive = workspace.path + "/context.tar"
        var bytes: [UInt8] = []
        for try await chunk in BuildContextStream(context: context) { bytes += chunk.readableBytesView }
        #expect(bytes.count % 512 == 0)
        try Data(bytes).write(to: URL(fileURLWithPath: archive))

        let out = workspace.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(try run("/bin/tar", ["-xf", archive, "-C", out]) == 0)
        for file in ["Dockerfile", "bin/run.sh", "data/big.bin", "empty", longName] {
            #expect(FileManager.default.contents(atPath: out + "/" + file) == FileManager.default.contents(atPath: root + "/" + file),
                    "\(file)")
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/link") == "bin/run.sh")
        #expect(FileManager.default.isExecutableFile(atPath: out + "/bin/run.sh"))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: out + "/emptydir", isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test func dockerignoreLeavesFilesOutButNeverTheDockerfile() throws {
        let workspace = try TemporaryDirectory(prefix: "slipway-docker")
        defer { workspace.remove() }
        for file in ["Dockerfile", "app/main.swift", "app/.build/debug/app", "docs/a.md", "docs/keep.md", "secret.env", "x.log"] {
            try workspace.write("context/" + file, file)
        }
        try workspace.write("context/.dockerignore", "Dockerfile\n**/.build\ndocs\n!docs/keep.md\n*.env\n# comment\n*.log\n")
        let context = try BuildContext.scan(root: workspace.path + "/context", dockerfile: "Dockerfile")
        #expect(context.entries.map(\.path) == [".dockerignore", "Dockerfile", "app", "app/main.swift", "docs/keep.md"])
    }

    @Test func paxRecordLengthCountsItself() {
        let body = TarHeader.paxBody([("path", String(repeating: "a", count: 95))])
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("\(body.count) path="))
        #expect(text.hasSuffix("\n"))
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        try ChildProgram.run(executable, arguments).status
    }
}
