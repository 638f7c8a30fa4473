import Foundation
import GavelCore
import GavelJSON
import GavelYAML

/// A named list of advisories for the `advisories` operator (docs/LANGUAGE.md#datasets-and-advisories).
public final class Dataset: Sendable {
    public let name: String
    public let advisories: [Advisory]
    let bySlug: [String: [Advisory]]

    init(name: String, advisories: [Advisory]) {
        self.name = name
        self.advisories = advisories
        self.bySlug = Dictionary(grouping: advisories, by: \.slug)
    }

    /// Advisories for `slug` whose affected range contains `version`.
    public func matches(slug: String, version: String) -> [Advisory] {
        (bySlug[slug] ?? []).filter { $0.affected.contains(version) }
    }
}

public struct Advisory: Sendable {
    public var id: String
    public var slug: String
    public var affected: VersionRange
    public var fixedIn: String?
    public var title: String
    public var severity: String?
}

extension CompileSession {
    /// `data/NAME.json` or `data/NAME.yaml`: a list of advisories, `{advisories: [...]}`, or
    /// (JSON) the Wordfence Intelligence feed as downloaded.
    func loadDataset(_ path: String) {
        let name = PathNames.stem(of: path)
        guard let data = readFile(path) else { return }
        let fileStart = SourceLocation(file: path, line: 1, column: 1)
        var entries: [(Value, SourceLocation)] = []
        if path.hasSuffix(".json") {
            let doc: JSONDocument
            do { doc = try JSONDocument.parse([UInt8](data)) } catch {
                diags.error(.badDataset, "invalid JSON: \(error.message)", at: SourceLocation(file: path, line: error.line, column: error.column))
                return
            }
            var root = doc.toValue()
            if WordfenceFeed.recognises(root) { root = .array(WordfenceFeed.entries(root)) }
            if let inner = root["advisories"] { root = inner }
            guard case .array(let items) = root else {
                diags.error(.badDataset, "a dataset must be a list of advisories or an object with an 'advisories' list", at: fileStart)
                return
            }
            entries = items.map { ($0, fileStart) }
        } else {
            let text = String(decoding: data, as: UTF8.self)
            renderer.register(file: path, text: text)
            let root: YAMLNode
            do { root = try YAMLParser.parse(text, file: path) } catch { diags.add(error); return }
            var list = root.sequence
            if list == nil, let inner = root["advisories"] { list = inner.sequence }
            guard let list else {
                diags.error(.badDataset, "a dataset must be a list of advisories or a mapping with an 'advisories' list", at: root.location)
                return
            }
            entries = list.map { ($0.toValue(), $0.location) }
        }
        if datasets[name] != nil {
            diags.error(.duplicateDataset, "dataset '\(name)' is defined twice (a .json and a .yaml file?)", at: fileStart)
            return
        }
        var advisories: [Advisory] = []
        for (n, (entry, at)) in entries.enumerated() {
            let label = "advisory #\(n + 1) of dataset '\(name)'"
            guard let slug = entry["slug"]?.stringValue, let affectedText = entry["affected"]?.stringValue else {
                diags.error(.badDataset, "\(label) needs string fields 'slug' and 'affected'", at: at)
                continue
            }
            guard let range = VersionRange(affectedText) else {
                diags.error(
                    .badVersionRange, "\(label) has an invalid 'affected' range '\(affectedText)'; write e.g. \"<5.3.2\" or \">=2.0 <2.4.1\"", at: at)
                continue
            }
            let id = entry["id"]?.stringValue ?? "\(slug)@\(affectedText)"
            advisories.append(
                Advisory(
                    id: id, slug: slug, affected: range, fixedIn: entry["fixed_in"]?.stringValue,
                    title: entry["title"]?.stringValue ?? id, severity: entry["severity"]?.stringValue))
        }
        datasets[name] = Dataset(name: name, advisories: advisories)
    }
}
