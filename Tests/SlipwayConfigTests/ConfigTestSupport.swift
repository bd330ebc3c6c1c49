import SlipwayConfig
import SlipwayModel
import Testing

/// The lines a file's issues print as, or a recorded failure when the file is accepted.
func issueLines(_ yaml: String, file: String = "slipway.yml", environment: [String: String] = [:],
                sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    do {
        let config = try ConfigLoader.parse(yaml: yaml, file: file, environment: environment)
        Issue.record("expected issues, but the file was accepted: \(config)", sourceLocation: sourceLocation)
        return []
    } catch let error as ConfigIssues {
        #expect(error.issues.allSatisfy { $0.code == .configInvalid }, sourceLocation: sourceLocation)
        #expect(error.description == error.issues.map(\.description).joined(separator: "\n"),
                sourceLocation: sourceLocation)
        return error.issues.map(\.description)
    } catch {
        Issue.record("expected ConfigIssues, got \(error)", sourceLocation: sourceLocation)
        return []
    }
}

/// A service block with just what every service needs, for tests about something else.
let minimalServices = """
services:
  web:
    run: python3 app.py

"""
