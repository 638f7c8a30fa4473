import Foundation
import GavelCore
import GavelJSON

/// One error of a GraphQL response (`errors[]`).
public struct GraphQLError: Sendable {
    public var message: String
    /// Response path of the field the error is about (`["shop", "customerAccountsV2"]`).
    public var path: [String]
    /// `extensions.code`: ACCESS_DENIED, THROTTLED, MAX_COST_EXCEEDED, ...
    public var code: String?
    /// `extensions.requiredAccess` on ACCESS_DENIED, when Shopify says which scope is needed.
    public var requiredAccess: String?

    var record: Value {
        var m: [(String, Value)] = [("message", .string(message))]
        if !path.isEmpty { m.append(("path", .string(path.joined(separator: ".")))) }
        if let code { m.append(("code", .string(code))) }
        return .object(m)
    }
}

/// A decoded GraphQL Admin API response body.
struct GraphQLResponse {
    var data: Value?
    var errors: [GraphQLError]
    var requestedCost: Double?
    var throttle: ThrottleStatus?

    var throttled: Bool { errors.contains { $0.code == "THROTTLED" } }

    static func decode(_ body: Data) -> GraphQLResponse? {
        guard let doc = try? JSONDocument.parse([UInt8](body)) else { return nil }
        let v = doc.toValue()
        guard v.objectMembers != nil else { return nil }
        var errors: [GraphQLError] = []
        if let list = v["errors"]?.arrayValue {
            for e in list {
                let path = (e["path"]?.arrayValue ?? []).map { p -> String in
                    if case .int(let i) = p { return String(i) }
                    return p.stringValue ?? ""
                }
                errors.append(
                    GraphQLError(
                        message: e["message"]?.stringValue ?? "(no message)", path: path,
                        code: e["extensions"]?["code"]?.stringValue,
                        requiredAccess: e["extensions"]?["requiredAccess"]?.stringValue))
            }
        } else if let text = v["errors"]?.stringValue {
            // REST-style `{"errors": "..."}`, as Shopify sends for a bad token.
            errors.append(GraphQLError(message: text, path: [], code: nil, requiredAccess: nil))
        }
        var throttle: ThrottleStatus?
        let cost = v["extensions"]?["cost"]
        if let t = cost?["throttleStatus"], let max = t["maximumAvailable"]?.number, let cur = t["currentlyAvailable"]?.number,
            let rate = t["restoreRate"]?.number
        {
            throttle = ThrottleStatus(maximumAvailable: max, currentlyAvailable: cur, restoreRate: rate)
        }
        let data = v["data"].flatMap { $0.objectMembers == nil ? nil : $0 }
        return GraphQLResponse(data: data, errors: errors, requestedCost: cost?["requestedQueryCost"]?.number, throttle: throttle)
    }

    /// The errors about `path` or a field below it.
    func errors(under path: [String]) -> [GraphQLError] {
        errors.filter { $0.path.count >= path.count && Array($0.path.prefix(path.count)) == path }
    }
}
