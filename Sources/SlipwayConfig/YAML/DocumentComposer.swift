import Yams

/// Composes the YAML text into nodes that keep their line and column, without stopping at repeated keys.
///
/// Yams' composer throws at the first mapping that repeats a key, pointing at the first occurrence; that
/// would hide every other problem in the file. So a repeated key's first character is replaced in the text
/// by a private-use character (one scalar for one, so no position moves; `KeyMarkers`), its true name is
/// remembered by position, and the decoder then sees every key and reports each repetition where it is.
///
/// Renaming one key per compose made `check` quadratic (3,000 repeats of a key: 58 s; docs/PERFORMANCE.md).
/// So the keys `KeyScanner` finds after the first of each name are all renamed before the first compose,
/// and kept only where the composed tree has a key starting with the marker put there (the others are put
/// back and the text composed again, once). A repeated key the scanner missed still makes Yams throw: that
/// one is renamed at the position Yams gives and the text composed again. A key that cannot be renamed so
/// (an alias, an anchored or complex key, an empty quoted one) falls back to what Yams gives: one issue,
/// at the first occurrence.
enum DocumentComposer {
    static func compose(_ yaml: String) throws(SyntaxIssue) -> ConfigDocument {
        let original = Array(yaml.unicodeScalars)
        var markers = KeyMarkers(avoiding: original)
        var renamings = KeyScanner.repeatedKeys(in: original).compactMap { candidate in
            markers.take().map { Renaming(candidate: candidate, marker: $0) }
        }
        for _ in 0..<2 where !renamings.isEmpty {
            var text = original
            for renaming in renamings { text[renaming.candidate.index] = renaming.marker }
            var remaining = markers
            let composed = try composeRenamingEachRepeat(string(text), markers: &remaining)
            let keys = KeyNodes.keys(in: composed.root)
            let kept = renamings.filter { keys[$0.candidate.position]?.unicodeScalars.first == $0.marker }
            guard kept.count == renamings.count else {
                renamings = kept
                continue
            }
            var names = composed.renamedKeys
            for renaming in renamings {
                var name = String.UnicodeScalarView([original[renaming.candidate.index]])
                name.append(contentsOf: (keys[renaming.candidate.position] ?? "").unicodeScalars.dropFirst())
                names[renaming.candidate.position] = String(name)
            }
            return ConfigDocument(root: composed.root, renamedKeys: names)
        }
        markers = KeyMarkers(avoiding: original)
        return try composeRenamingEachRepeat(yaml, markers: &markers)
    }

    /// Composes `text`, renaming the first occurrence of each repeated key Yams reports, one per compose.
    private static func composeRenamingEachRepeat(_ yaml: String,
                                                  markers: inout KeyMarkers) throws(SyntaxIssue) -> ConfigDocument {
        var text = yaml
        var renamed: [SourcePosition: String] = [:]
        while true {
            do {
                return ConfigDocument(root: try Yams.compose(yaml: text), renamedKeys: renamed)
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                let position = SourcePosition(context.mark)
                let name = duplicates.first ?? ""
                guard renamed[position] == nil, let marker = markers.take(),
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

    private struct Renaming {
        let candidate: KeyScanner.Candidate
        let marker: Unicode.Scalar
    }

    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
