import Foundation
import GavelCore

/// How `collect host` (and `collect fleet`, per host) names a site's asset: a text with the
/// placeholders `{site}` (the site's first server name, or `<host>-<port>`) and `{host}` (the
/// host's name), e.g. `{site}` (the default) or `{host}.{site}` when two hosts serve one site.
/// The asset is also a folder name, so the result may not contain `/` or start with `.`.
public struct AssetNameTemplate: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public static let `default` = AssetNameTemplate(checked: "{site}")

    private init(checked: String) { text = checked }

    /// Nil with the reason when `text` is not a usable template.
    public static func parse(_ text: String) -> Result<AssetNameTemplate, Diagnostic> {
        func bad(_ why: String) -> Result<AssetNameTemplate, Diagnostic> {
            .failure(Diagnostic(.assetName, "asset name template \"\(text)\" \(why)"))
        }
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return bad("has a { without its }") }
            let name = rest[rest.index(after: open)..<close]
            guard name == "site" || name == "host" else { return bad("has the unknown placeholder {\(name)}; use {site} and {host}") }
            rest = rest[rest.index(after: close)...]
        }
        guard text.contains("{site}") else { return bad("lacks {site}: every site of a host would get the same name") }
        guard !text.contains("/"), !text.hasPrefix(".") else { return bad("would not be a folder name (no /, no leading .)") }
        return .success(AssetNameTemplate(checked: text))
    }

    public func name(site: String, host: String) -> String {
        text.replacingOccurrences(of: "{site}", with: Self.safe(site)).replacingOccurrences(of: "{host}", with: Self.safe(host))
    }

    /// A name as a folder name: `/` and a leading `.` replaced.
    public static func safe(_ s: String) -> String {
        var t = s.replacingOccurrences(of: "/", with: "_")
        if t.hasPrefix(".") { t = "_" + t.dropFirst() }
        return t.isEmpty ? "_" : t
    }

    public var description: String { text }
}
