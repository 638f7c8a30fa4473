import Foundation

/// Runs a program to the end and captures what it printed: the `gavel` binary as a user or
/// a CI job would run it, and the real programs tests run beside it.
enum ProgramRunner {
    struct Run { var code: Int32; var out: String; var err: String }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The built `gavel` binary beside the test bundle.
    static var gavelBinary: URL {
        let here = Bundle(for: CLITests.self).bundleURL
        return [here.appendingPathComponent("gavel"), here.deletingLastPathComponent().appendingPathComponent("gavel")]
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? here.appendingPathComponent("gavel")
    }

    static func run(_ exe: URL, _ args: [String], stdin: String? = nil, env extra: [String: String] = [:], cwd: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd ?? repo)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    static func gavel(_ args: [String], stdin: String? = nil, env: [String: String] = [:], cwd: String? = nil) throws -> Run {
        try run(gavelBinary, args, stdin: stdin, env: env, cwd: cwd)
    }
}
