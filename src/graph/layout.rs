//! Left-to-right layered layout for the SVG: columns by longest path, order within a column
//! and vertical positions from `rust-sugiyama` (Sugiyama's method: crossing reduction and
//! Brandes–Köpf coordinates), long arrows routed through the gaps. A last pass keeps every
//! column free of overlaps whatever the crate returns.

use std::collections::BTreeMap;

/// A box's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// A placed box: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// The placed boxes and the arrows' routes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// One per box, in the input's order.
    pub boxes: Vec<Placed>,
    /// One per edge, in the input's order: the points from the source's right side to the target's left side.
    pub routes: Vec<Vec<(f64, f64)>>,
    /// The drawing's width (the rightmost box's right side).
    pub width: f64,
    /// The drawing's height (the lowest box's bottom).
    pub height: f64,
}

/// The horizontal gap between columns.
pub const COLUMN_GAP: f64 = 56.0;
/// The least vertical gap between two boxes of a column.
pub const ROW_GAP: f64 = 18.0;
/// The height reserved for an arrow passing through a column.
const LANE: f64 = 10.0;

/// Lays out boxes of the given sizes joined by `edges` (source, target), left to right.
pub fn layout(sizes: &[Size], edges: &[(usize, usize)]) -> Layout {
    let ranks = ranks(sizes.len(), edges);
    // Vertices: the boxes, then one pass-through point per column an arrow crosses.
    let mut vertex_rank: Vec<usize> = ranks.clone();
    let mut vertex_size: Vec<Size> = sizes.to_vec();
    let mut chains: Vec<Vec<usize>> = Vec::new();
    let mut links: Vec<(u32, u32)> = Vec::new();
    for &(from, to) in edges {
        let mut chain = vec![from];
        let span = ranks[to].saturating_sub(ranks[from]);
        for step in 1..span {
            vertex_rank.push(ranks[from] + step);
            vertex_size.push(Size { w: 0.0, h: LANE });
            chain.push(vertex_rank.len() - 1);
        }
        chain.push(to);
        links.extend(chain.windows(2).filter(|w| vertex_rank[w[0]] < vertex_rank[w[1]]).map(|w| (w[0] as u32, w[1] as u32)));
        chains.push(chain);
    }
    let centre_y = order(&vertex_size, &links);

    // Columns: each as wide as its widest box.
    let columns = vertex_rank.iter().copied().max().map_or(0, |m| m + 1);
    let mut column_width = vec![0.0f64; columns];
    for (v, &r) in vertex_rank.iter().enumerate() {
        column_width[r] = column_width[r].max(vertex_size[v].w);
    }
    let mut column_left = vec![0.0f64; columns];
    for r in 1..columns {
        column_left[r] = column_left[r - 1] + column_width[r - 1] + COLUMN_GAP;
    }

    // Vertical positions: the crate's, then pushed apart where a column would overlap.
    let mut y = centre_y;
    let mut by_column: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (v, &r) in vertex_rank.iter().enumerate() {
        by_column.entry(r).or_default().push(v);
    }
    for members in by_column.values_mut() {
        members.sort_by(|&a, &b| y[a].total_cmp(&y[b]).then(a.cmp(&b)));
        for pair in 1..members.len() {
            let (a, b) = (members[pair - 1], members[pair]);
            let least = y[a] + (vertex_size[a].h + vertex_size[b].h) / 2.0 + ROW_GAP;
            if y[b] < least {
                y[b] = least;
            }
        }
    }
    let top = (0..vertex_size.len()).map(|v| y[v] - vertex_size[v].h / 2.0).fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    let placed: Vec<Placed> = (0..vertex_size.len())
        .map(|v| {
            let s = vertex_size[v];
            let r = vertex_rank[v];
            Placed { x: column_left[r] + (column_width[r] - s.w) / 2.0, y: y[v] - s.h / 2.0 - top, w: s.w, h: s.h }
        })
        .collect();
    let routes = chains
        .iter()
        .map(|chain| {
            let last = chain.len() - 1;
            chain
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let p = placed[v];
                    let x = if i == 0 {
                        p.x + p.w
                    } else if i == last {
                        p.x
                    } else {
                        p.x + p.w / 2.0
                    };
                    (x, p.y + p.h / 2.0)
                })
                .collect()
        })
        .collect();
    let boxes: Vec<Placed> = placed[..sizes.len()].to_vec();
    let width = boxes.iter().map(|b| b.x + b.w).fold(0.0, f64::max);
    let height = placed.iter().map(|b| b.y + b.h).fold(0.0, f64::max);
    Layout { boxes, routes, width, height }
}

/// Each box's column: the longest path to it from a box nothing points to. Boxes on a cycle
/// (which an Argo DAG cannot have) go after the others.
fn ranks(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut rank = vec![0usize; n];
    let mut incoming = vec![0usize; n];
    for &(_, to) in edges {
        incoming[to] += 1;
    }
    let mut ready: Vec<usize> = (0..n).filter(|&v| incoming[v] == 0).collect();
    let mut done = vec![false; n];
    let mut next = 0;
    while next < ready.len() {
        let v = ready[next];
        next += 1;
        done[v] = true;
        for &(from, to) in edges.iter().filter(|(from, _)| *from == v) {
            rank[to] = rank[to].max(rank[from] + 1);
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push(to);
            }
        }
    }
    let deepest = rank.iter().copied().max().unwrap_or(0);
    for v in (0..n).filter(|&v| !done[v]) {
        rank[v] = deepest + 1;
    }
    rank
}

/// The vertical centre of each vertex, from rust-sugiyama. It lays out top to bottom, so its
/// horizontal axis is our vertical one: a vertex's "width" there is its height here. Separate
/// components come back separately; they are stacked one under the other.
fn order(sizes: &[Size], links: &[(u32, u32)]) -> Vec<f64> {
    let mut y = vec![0.0; sizes.len()];
    if sizes.is_empty() {
        return y;
    }
    let vertices: Vec<(u32, (f64, f64))> = sizes.iter().enumerate().map(|(i, s)| (i as u32, (s.h, s.w.max(1.0)))).collect();
    let config = rust_sugiyama::configure::Config { vertex_spacing: ROW_GAP, dummy_vertices: true, transpose: true, ..Default::default() };
    let mut components = rust_sugiyama::from_vertices_and_edges(&vertices, links, &config);
    // Deterministic order whatever the crate's: by the smallest vertex in each component.
    components.sort_by_key(|(coords, _, _)| coords.iter().map(|(v, _)| *v).min().unwrap_or(usize::MAX));
    let mut offset = 0.0;
    for (coords, _, _) in components {
        let low = coords.iter().map(|(v, (x, _))| x - sizes[*v].h / 2.0).fold(f64::INFINITY, f64::min);
        let high = coords.iter().map(|(v, (x, _))| x + sizes[*v].h / 2.0).fold(f64::NEG_INFINITY, f64::max);
        for (v, (x, _)) in &coords {
            if *v < y.len() {
                y[*v] = x - low + offset;
            }
        }
        if high.is_finite() && low.is_finite() {
            offset += high - low + ROW_GAP;
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaps(a: &Placed, b: &Placed) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn a_diamond_goes_left_to_right_without_overlaps() {
        let sizes = vec![Size { w: 100.0, h: 40.0 }; 5];
        let edges = [(0, 1), (0, 2), (1, 3), (2, 3), (0, 4), (3, 4)];
        let layout = layout(&sizes, &edges);
        let b = &layout.boxes;
        assert!(b[0].x + b[0].w <= b[1].x && b[1].x + b[1].w <= b[3].x && b[3].x + b[3].w <= b[4].x, "{b:?}");
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                assert!(!overlaps(&b[i], &b[j]), "{i} and {j} overlap: {b:?}");
            }
        }
        // The long arrow 0 → 4 passes through the two columns between.
        assert_eq!(layout.routes[4].len(), 4);
    }

    #[test]
    fn the_same_input_gives_the_same_layout() {
        let sizes: Vec<Size> = (0..9).map(|i| Size { w: 80.0 + i as f64, h: 40.0 }).collect();
        let edges = [(0, 1), (1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (5, 6), (6, 7), (2, 8)];
        let first = layout(&sizes, &edges);
        for _ in 0..5 {
            assert_eq!(layout(&sizes, &edges), first);
        }
    }
}
