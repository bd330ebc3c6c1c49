import Yams

/// Composes the YAML text into nodes that keep their line and column, without stopping at repeated keys.
///
/// Yams' composer throws at the first mapping that repeats a key, pointing at the first occurrence; that
/// would hide every other problem in the file. So when it does, the first occurrence's first character is
/// replaced in the text by a private-use character (one scalar for one, so no position moves), the true
/// name is remembered by position, and the text is composed again. The decoder then sees every key and
/// reports each repetition where it is. A key that cannot be renamed so (an alias, an anchored or complex
/// key, an empty quoted one) falls back to what Yams gives: one issue, at the first occurrence.
enum DocumentComposer {
    static func compose(_ yaml: String) throws(SyntaxIssue) -> ConfigDocument {
        var text = yaml
        var renamed: [SourcePosition: String] = [:]
        while true {
            do {
                return ConfigDocument(root: try Yams.compose(yaml: text), renamedKeys: renamed)
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                let position = SourcePosition(context.mark)
                let name = duplicates.first ?? ""
                let markerCode = privateUseStart + UInt32(renamed.count)
                guard renamed[position] == nil, markerCode <= privateUseEnd,
                      let marker = Unicode.Scalar(markerCode),
                      let renamedText = SourceText.replacingKeyCharacter(at: position, in: text, with: marker)
                else {
                    throw SyntaxIssue(message: "duplicate key \(ConfigNode.quoted(name))", at: position)
                }
                renamed[position] = name
                text = renamedText
            } catch let error as YamlError {
                throw SyntaxIssue(error, in: yaml)
            } catch {
                throw SyntaxIssue(message: "invalid YAML: \(error)", at: nil)
            }
        }
    }

    private static let privateUseStart: UInt32 = 0xE000
    private static let privateUseEnd: UInt32 = 0xF8FF
}
