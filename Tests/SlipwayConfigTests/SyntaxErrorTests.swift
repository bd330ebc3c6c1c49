import SlipwayConfig
import Testing

/// Text that is not YAML still gets a file:line:column.
@Suite struct SyntaxErrorTests {
    @Test func badIndentationIsLocated() {
        let yaml = """
        services:
          web:
            run: python3 app.py
           build: make
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:4:4: invalid YAML: did not find expected key (while parsing a block mapping at line 2, column 3)",
        ])
    }

    @Test func unclosedFlowIsLocated() {
        #expect(issueLines("services: { web: { run: a }\n") == [
            "slipway.yml:2:1: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 1, column 11)",
        ])
    }

    @Test func tabIndentationIsLocatedAndNamed() throws {
        #expect(issueLines("services:\n\tweb:\n") == [
            "slipway.yml:2:1: invalid YAML: this line is indented with a tab; YAML indents with spaces only "
                + "(found character that cannot start any token)",
        ])
        #expect(issueLines("services:\n  web:\n  \trun: a\n") == [
            "slipway.yml:3:3: invalid YAML: this line is indented with a tab; YAML indents with spaces only "
                + "(found character that cannot start any token)",
        ])
        // A tab inside a value is no indentation: it is kept.
        #expect(try ConfigLoader.parse(yaml: "services:\n  web:\n    run: \"a\\tb\"\n", file: "slipway.yml").services.first?.run == "a\tb")
    }

    @Test func secondDocumentIsRefused() {
        #expect(issueLines(minimalServices + "---\nservices: {}\n") == [
            "slipway.yml:4:1: invalid YAML: a second document starts here; the file must hold one",
        ])
    }

    @Test func emptyFileSaysWhatItNeeds() {
        #expect(issueLines("# nothing yet\n") == [
            "slipway.yml:1:1: the file is empty; it needs a services: or databases: mapping",
        ])
    }

    @Test func topLevelListIsRefused() {
        #expect(issueLines("- web\n- api\n") == [
            "slipway.yml:1:1: expected a mapping with a services: or databases: key, got a list",
        ])
    }

    @Test func repeatedKeysAreFoundWithWindowsLineEndings() {
        let yaml = "services:\r\n  web:\r\n    run: a\r\n    run: b\r\n  api: { run: c, run: d, route: { path: /api } }\r\n"
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:5: services.web.run: duplicate key "run" (first at line 3)"#,
            #"slipway.yml:5:18: services.api.run: duplicate key "run" (first at line 5)"#,
        ])
    }

    @Test func repeatedAnchoredKeyFallsBackToOneLocatedIssue() {
        let yaml = """
        services:
          &first web:
            run: a
          web:
            run: b
        """
        #expect(issueLines(yaml) == [#"slipway.yml:2:3: duplicate key "web""#])
    }
}
