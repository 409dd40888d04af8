import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an SVG document as Foundation's XMLParser reads it; nil when it is not well-formed XML.
/// Tags are matched here too: on Linux the parser has been seen to accept a mismatched end tag.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attributes: [String: String]; var text = "" }
    private(set) var elements: [Element] = []
    private var open: [Int] = []
    private var failed = false

    static func parse(_ svg: String) -> [Element]? {
        let reader = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        let parsed = parser.parse()
        return parsed && !reader.failed && reader.open.isEmpty && !reader.elements.isEmpty ? reader.elements : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard let last = open.popLast(), elements[last].name == name else { failed = true; return }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: Error) { failed = true }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = open.last { elements[last].text += string }
    }
}

extension [SVGElements.Element] {
    func withClass(_ role: String) -> [SVGElements.Element] { filter { $0.attributes["class"] == role } }
    func number(_ element: SVGElements.Element, _ attribute: String) -> Double? { element.attributes[attribute].flatMap(Double.init) }

    /// The vertices of every polyline, in pixels.
    var polylines: [[(x: Double, y: Double)]] {
        filter { $0.name == "polyline" }.map { line in
            (line.attributes["points"] ?? "").split(separator: " ").compactMap { pair in
                let xy = pair.split(separator: ",").compactMap { Double($0) }
                return xy.count == 2 ? (xy[0], xy[1]) : nil
            }
        }
    }
}
