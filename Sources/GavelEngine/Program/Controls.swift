import GavelCore
import GavelJSON

public struct Catalog: Sendable {
    public var framework: String
    public var title: String
    public var controls: [Control]
    public var file: String
}

public struct Control: Sendable {
    public var id: String
    public var title: String
    public var manual: Bool
}
