import SystemPackage

/// The one way Gavel takes a path apart: through swift-system's `FilePath`, which works on
/// the path's bytes. Foundation's `NSString` path methods crash on a one-character path
/// (`gavel check p` died with SIGILL in `deletingLastPathComponent`) and `URL` rewrites
/// what it is given (it resolves `..`, adds the working directory), so neither is used to
/// split or join the paths users give.
public enum PathNames {
    /// The folder that holds `path`: "." for a bare name ("p", "policy.yaml"), "/" for "/x".
    /// A trailing slash is not a component of its own: the folder of "a/b/" is "a".
    public static func folder(of path: String) -> String {
        let fp = FilePath(path)
        guard fp.lastComponent != nil else { return fp.isEmpty ? "." : fp.string }
        let parent = fp.removingLastComponent()
        return parent.isEmpty ? "." : parent.string
    }

    /// The last component of `path` ("policy.yaml" of "a/policy.yaml"), or the path itself
    /// when it has none ("/", "").
    public static func lastComponent(of path: String) -> String {
        FilePath(path).lastComponent?.string ?? path
    }

    /// The last component without its extension ("redirects" of "data/redirects.yaml").
    public static func stem(of path: String) -> String {
        FilePath(path).lastComponent?.stem ?? path
    }

    /// `name` appended to `folder` with one separator; an absolute `name` stays as it is.
    public static func join(_ folder: String, _ name: String) -> String {
        var fp = FilePath(folder)
        fp.push(FilePath(name))
        return fp.string
    }
}
