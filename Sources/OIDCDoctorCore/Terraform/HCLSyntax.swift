/// The HCL2 native syntax as a tree, every node with its byte range in the file it was read from.
/// Only what Terraform configurations use; the reader is `HCLParser`.
public struct HCLBody: Sendable {
    public var attributes: [HCLAttribute] = []
    public var blocks: [HCLBlock] = []
    public var range: SourceRange

    public func attribute(_ name: String) -> HCLAttribute? { attributes.first { $0.name == name } }
    public func blocks(_ type: String) -> [HCLBlock] { blocks.filter { $0.type == type } }
}

public struct HCLAttribute: Sendable {
    public var name: String
    public var nameRange: SourceRange
    public var value: HCLExpression
    /// From the name to the end of the value.
    public var range: SourceRange
}

public struct HCLBlock: Sendable {
    public var type: String
    public var labels: [String]
    public var labelRanges: [SourceRange]
    public var body: HCLBody
    /// From the type keyword to the closing brace.
    public var range: SourceRange
}

public final class HCLExpression: Sendable {
    public let kind: Kind
    public let range: SourceRange

    init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    public enum Kind: Sendable {
        /// The literal text of a number, as written.
        case number(String)
        case bool(Bool)
        case null
        /// A quoted string or a heredoc.
        case template([HCLTemplatePart])
        case variable(String)
        case traversal(HCLExpression, [HCLTraverser])
        /// `x[*].a.b`: the traversers after the splat apply to each element.
        case splat(HCLExpression, [HCLTraverser])
        case call(String, [HCLExpression], expandsLast: Bool)
        case tuple([HCLExpression])
        case object([HCLObjectItem])
        case conditional(HCLExpression, HCLExpression, HCLExpression)
        case forExpression(HCLForExpression)
        case unary(String, HCLExpression)
        case binary(String, HCLExpression, HCLExpression)
        case parenthesized(HCLExpression)
    }
}

public enum HCLTraverser: Sendable {
    case attribute(String, SourceRange)
    case index(HCLExpression)
}

public struct HCLObjectItem: Sendable {
    /// A bare identifier key is its own text; anything else is an expression.
    public var key: HCLExpression
    public var keyIsIdentifier: Bool
    public var value: HCLExpression
    public var range: SourceRange
}

public struct HCLForExpression: Sendable {
    public var keyName: String?
    public var valueName: String
    public var collection: HCLExpression
    /// For `{for …}`: the key expression; nil for `[for …]`.
    public var keyExpression: HCLExpression?
    public var valueExpression: HCLExpression
    public var condition: HCLExpression?
    /// `…` after the value: values with the same key are grouped into lists.
    public var grouping: Bool
}

public indirect enum HCLTemplatePart: Sendable {
    /// Literal text. `exact` when its bytes are the file's bytes at `range` one to one (no escapes,
    /// no heredoc indentation removed), so positions inside it map back character by character.
    case literal(String, SourceRange, exact: Bool)
    case interpolation(HCLExpression)
    case ifDirective(HCLExpression, then: [HCLTemplatePart], else: [HCLTemplatePart])
    case forDirective(key: String?, value: String, collection: HCLExpression, body: [HCLTemplatePart])
}

/// Bad HCL: what is wrong and the byte offset, turned into `policy.invalid` with file, line and column.
public struct HCLSyntaxError: Error, Sendable {
    public var message: String
    public var offset: Int
}
