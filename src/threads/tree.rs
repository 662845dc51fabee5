//! Lays a thread's reply tree out as the flat, indented list a page shows.
//! Pure and iterative (no recursion), so a 10,000-level chain costs the same
//! stack as a flat thread.

use std::collections::HashMap;

/// A post's place in the tree: what the layout needs, nothing more.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub id: i64,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub id: i64,
    /// Depth below the layout's root (0 for the root itself).
    pub depth: usize,
    /// The post has replies that are not shown here because it sits at the
    /// depth cap: the page offers "continue this thread" from it.
    pub continues: bool,
}

/// Depth-first order from `root`, children oldest first, cut at `max_depth`.
/// `nodes` must be in id order (creation order), as the query returns them.
pub fn layout(nodes: &[Node], root: i64, max_depth: usize) -> Vec<Placed> {
    let index: HashMap<i64, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        if let Some(parent) = node.parent_id.and_then(|p| index.get(&p)) {
            children[*parent].push(i);
        }
    }
    let Some(&root_index) = index.get(&root) else { return Vec::new() };
    let mut out = Vec::new();
    let mut stack = vec![(root_index, 0usize)];
    while let Some((i, depth)) = stack.pop() {
        let has_children = !children[i].is_empty();
        let continues = has_children && depth >= max_depth;
        out.push(Placed { id: nodes[i].id, depth, continues });
        if has_children && !continues {
            stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: i64, parent_id: Option<i64>) -> Node {
        Node { id, parent_id }
    }

    #[test]
    fn orders_depth_first_with_children_oldest_first() {
        let nodes = [n(1, None), n(2, Some(1)), n(3, Some(1)), n(4, Some(2)), n(5, Some(3)), n(6, Some(2))];
        let order: Vec<(i64, usize)> = layout(&nodes, 1, 10).iter().map(|p| (p.id, p.depth)).collect();
        assert_eq!(order, vec![(1, 0), (2, 1), (4, 2), (6, 2), (3, 1), (5, 2)]);
    }

    #[test]
    fn cuts_at_the_depth_cap_and_marks_the_continuation() {
        let nodes: Vec<Node> = (1..=10_000).map(|id| n(id, (id > 1).then(|| id - 1))).collect();
        let placed = layout(&nodes, 1, 5);
        assert_eq!(placed.len(), 6);
        assert!(placed[5].continues && placed[5].id == 6);
        let from_deep = layout(&nodes, 9_990, 5);
        assert_eq!(from_deep.first().map(|p| (p.id, p.depth)), Some((9_990, 0)));
        assert_eq!(from_deep.len(), 6);
    }

    #[test]
    fn unknown_root_gives_nothing() {
        assert!(layout(&[n(1, None)], 99, 5).is_empty());
    }
}
