import Foundation
import Testing
import Shared
@testable import Train

/// K-fold assignment: every video in exactly one fold, groups whole, each kind of group spread evenly, the
/// other folds carved into train and val, and one-line refusals for fold counts that cannot work.
@Suite struct CrossValidationFoldsTests {
    /// 15 real/fake twin pairs (grouped), 7 lone reals, 11 lone fakes and 2 groups of one real and two fakes.
    struct Videos {
        var paths: [String] = [], labels: [Int] = [], groups: [String?] = []
        init() {
            for pair in 0..<15 {
                for label in [0, 1] { add("pair\(pair)/\(label)", label, "pair\(pair)") }
            }
            for i in 0..<7 { add("lone/real\(i)", 0, nil) }
            for i in 0..<11 { add("lone/fake\(i)", 1, nil) }
            for trio in 0..<2 {
                for (k, label) in [0, 1, 1].enumerated() { add("trio\(trio)/\(k)", label, "trio\(trio)") }
            }
        }
        mutating func add(_ path: String, _ label: Int, _ group: String?) {
            paths.append(path); labels.append(label); groups.append(group)
        }
        var fixed: [String?] { Array(repeating: nil, count: paths.count) }
        /// Videos by unit: the group, or the video alone.
        var units: [String: [Int]] {
            Dictionary(grouping: paths.indices, by: { groups[$0] ?? "path:" + paths[$0] })
        }
    }

    @Test(arguments: [(5, UInt64(42)), (3, 7), (2, 1), (7, 123)])
    func foldsPartitionKeepGroupsAndSpreadEachKindEvenly(count: Int, seed: UInt64) throws {
        let v = Videos()
        let folds = try CrossValidationFolds(paths: v.paths, labels: v.labels, groups: v.groups, fixed: v.fixed, count: count, seed: seed)
        #expect(folds.fold.count == v.paths.count && folds.fold.allSatisfy { (1...count).contains($0) })
        var tested: [Int] = []
        for choice in try FoldChoice.all(count: count) {
            let plan = try SplitPlan(paths: v.paths, labels: v.labels, groups: v.groups, fixed: folds.fixedSplits(testing: choice), seed: seed)
            #expect(plan.test == v.paths.indices.filter { folds.fold[$0] == choice.index })
            #expect(Set(plan.train + plan.validation + plan.test) == Set(v.paths.indices))
            #expect(Set(plan.train).isDisjoint(with: plan.validation))
            for unit in v.units.values {
                let sides = Set(unit.map { plan.train.contains($0) ? 0 : plan.validation.contains($0) ? 1 : 2 })
                #expect(sides.count == 1, "a group was cut by fold \(choice.index)'s train/val carve")
            }
            tested += plan.test
        }
        #expect(tested.sorted() == Array(v.paths.indices), "every video is tested exactly once")
        for unit in v.units.values { #expect(Set(unit.map { folds.fold[$0] }).count == 1, "a group spans folds") }
        // Units of each kind (reals, fakes) per fold differ by at most one; so do all units per fold.
        let kinds = Dictionary(grouping: v.units.values, by: { unit in [unit.filter { v.labels[$0] == 0 }.count, unit.filter { v.labels[$0] == 1 }.count] })
        for (kind, units) in kinds {
            let perFold = (1...count).map { k in units.filter { folds.fold[$0[0]] == k }.count }
            #expect(perFold.max()! - perFold.min()! <= 1, "kind \(kind): \(perFold)")
        }
        let unitsPerFold = (1...count).map { k in v.units.values.filter { folds.fold[$0[0]] == k }.count }
        #expect(unitsPerFold.max()! - unitsPerFold.min()! <= 1, "\(unitsPerFold)")
    }

    @Test func withoutGroupsEachClassCountDiffersByAtMostOne() throws {
        let labels = (0..<53).map { $0 % 5 == 0 ? 0 : 1 }
        let paths = labels.indices.map { "v\($0)" }
        let folds = try CrossValidationFolds(paths: paths, labels: labels, groups: Array(repeating: nil, count: 53),
                                             fixed: Array(repeating: nil, count: 53), count: 4, seed: 9)
        for label in [0, 1] {
            let perFold = (1...4).map { k in labels.indices.filter { labels[$0] == label && folds.fold[$0] == k }.count }
            #expect(perFold.max()! - perFold.min()! <= 1, "class \(label): \(perFold)")
        }
    }

    @Test func theSeedDecidesTheFoldsAndNothingElse() throws {
        let v = Videos()
        func folds(_ seed: UInt64, reversed: Bool = false) throws -> [String: Int] {
            let order = reversed ? Array(v.paths.indices.reversed()) : Array(v.paths.indices)
            let f = try CrossValidationFolds(paths: order.map { v.paths[$0] }, labels: order.map { v.labels[$0] },
                                             groups: order.map { v.groups[$0] }, fixed: v.fixed, count: 5, seed: seed)
            return Dictionary(uniqueKeysWithValues: zip(order.map { v.paths[$0] }, f.fold))
        }
        #expect(try folds(42) == folds(42, reversed: true))
        #expect(try folds(42) != folds(43))
    }

    @Test func impossibleFoldCountsAreRefusedInOneLine() throws {
        let v = Videos()
        func error(_ count: Int, fixed: [String?]? = nil) -> String {
            do {
                _ = try CrossValidationFolds(paths: v.paths, labels: v.labels, groups: v.groups, fixed: fixed ?? v.fixed, count: count, seed: 1)
                return ""
            } catch { return "\(error)" }
        }
        #expect(error(1).contains("--folds 1: cross-validation needs at least 2 folds"))
        #expect(error(0).contains("at least 2 folds"))
        // 15 pairs + 7 lone reals + 2 trios hold reals: 24 groups.
        #expect(error(24) == "")
        #expect(error(25).contains("only 24 group(s) hold real videos") && error(25).contains("use --folds 24 or fewer"), "\(error(25))")
        var fixed = v.fixed
        fixed[3] = "test"
        #expect(error(5, fixed: fixed).contains("fixed split"))
        #expect(!error(25).contains("\n"))
    }
}
