@testable import SlipwayDocker
import Testing

/// `.dockerignore` patterns as moby's patternmatcher reads them.
@Suite struct DockerIgnoreTests {
    @Test(arguments: [
        ("*.md", "README.md", true),
        ("*.md", "docs/README.md", false),
        ("**/*.md", "docs/deep/README.md", true),
        ("**/*.md", "README.md", true),
        ("docs", "docs/deep/file", true),
        ("/docs", "docs/file", true),
        ("./docs/", "docs/file", true),
        ("node_modules", "app/node_modules/x", false),
        ("**/node_modules", "app/node_modules/x", true),
        ("build/**", "build/a/b", true),
        ("file?.txt", "file1.txt", true),
        ("file?.txt", "file10.txt", false),
        ("[a-c].txt", "b.txt", true),
        ("[!a-c].txt", "b.txt", false),
        ("a.b", "axb", false),
        ("dir/../other", "other/x", true),
    ])
    func pattern(_ pattern: String, _ path: String, _ excluded: Bool) {
        #expect(DockerIgnore(text: pattern).excludes(path) == excluded)
    }

    @Test func lastMatchingPatternWins() {
        let ignore = DockerIgnore(text: "*.log\n!important.log\n#*.txt\n\n  spaced.txt  \n")
        #expect(ignore.excludes("debug.log"))
        #expect(!ignore.excludes("important.log"))
        #expect(!ignore.excludes("notes.txt"))
        #expect(ignore.excludes("spaced.txt"))
        #expect(ignore.mayReinclude(under: "x"))
        #expect(!DockerIgnore(text: "*.log").mayReinclude(under: "x"))
    }
}
