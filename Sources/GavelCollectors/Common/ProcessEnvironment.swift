import Foundation

/// The collector's own environment, read in one place so tests can see what is consulted.
enum ProcessEnvironment {
    static func value(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
    static var all: [String: String] { ProcessInfo.processInfo.environment }
}
