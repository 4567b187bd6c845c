//! Subscriptions: a prefix trie of topics with counts (RFC 29: subscriptions
//! are counted, and a message matches when any subscribed prefix starts it).

/// A set of counted topic prefixes.
#[derive(Debug, Default, Clone)]
pub(crate) struct Subscriptions {
    root: Node,
    total: usize,
}

#[derive(Debug, Default, Clone)]
struct Node {
    count: u32,
    children: Vec<(u8, Node)>,
}

impl Subscriptions {
    /// Adds one subscription to `prefix`; true if it is the first for that prefix.
    pub(crate) fn add(&mut self, prefix: &[u8]) -> bool {
        let mut node = &mut self.root;
        for &b in prefix {
            let idx = match node.children.binary_search_by_key(&b, |(k, _)| *k) {
                Ok(i) => i,
                Err(i) => {
                    node.children.insert(i, (b, Node::default()));
                    i
                }
            };
            match node.children.get_mut(idx) {
                Some((_, child)) => node = child,
                None => return false,
            }
        }
        node.count += 1;
        self.total += 1;
        node.count == 1
    }

    /// Removes one subscription to `prefix`; true if that was the last one.
    /// Removing an absent prefix changes nothing and returns false.
    pub(crate) fn remove(&mut self, prefix: &[u8]) -> bool {
        let removed = remove_in(&mut self.root, prefix);
        if removed.is_some() {
            self.total -= 1;
        }
        removed == Some(true)
    }

    /// Whether exactly `prefix` is subscribed.
    pub(crate) fn contains(&self, prefix: &[u8]) -> bool {
        let mut node = &self.root;
        for &b in prefix {
            match node.children.binary_search_by_key(&b, |(k, _)| *k) {
                Ok(i) => match node.children.get(i) {
                    Some((_, child)) => node = child,
                    None => return false,
                },
                Err(_) => return false,
            }
        }
        node.count > 0
    }

    /// Whether some subscribed prefix starts `topic`.
    pub(crate) fn matches(&self, topic: &[u8]) -> bool {
        let mut node = &self.root;
        if node.count > 0 {
            return true;
        }
        for &b in topic {
            match node.children.binary_search_by_key(&b, |(k, _)| *k) {
                Ok(i) => match node.children.get(i) {
                    Some((_, child)) => node = child,
                    None => return false,
                },
                Err(_) => return false,
            }
            if node.count > 0 {
                return true;
            }
        }
        false
    }

    /// Every distinct subscribed prefix (once each, whatever its count).
    pub(crate) fn topics(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        collect(&self.root, &mut Vec::new(), &mut out);
        out
    }

    /// Whether there are no subscriptions.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// Some(true): removed the last count; Some(false): decremented; None: absent.
fn remove_in(node: &mut Node, prefix: &[u8]) -> Option<bool> {
    let Some((&first, rest)) = prefix.split_first() else {
        if node.count == 0 {
            return None;
        }
        node.count -= 1;
        return Some(node.count == 0);
    };
    let idx = node
        .children
        .binary_search_by_key(&first, |(k, _)| *k)
        .ok()?;
    let (_, child) = node.children.get_mut(idx)?;
    let result = remove_in(child, rest);
    if child.count == 0 && child.children.is_empty() {
        node.children.remove(idx);
    }
    result
}

fn collect(node: &Node, path: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
    if node.count > 0 {
        out.push(path.clone());
    }
    for (b, child) in &node.children {
        path.push(*b);
        collect(child, path, out);
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_matching_and_counts() {
        let mut s = Subscriptions::default();
        assert!(!s.matches(b"anything"));
        assert!(s.add(b"ab"));
        assert!(!s.add(b"ab"));
        assert!(s.matches(b"abc"));
        assert!(s.matches(b"ab"));
        assert!(!s.matches(b"a"));
        assert!(!s.remove(b"ab"));
        assert!(s.matches(b"abc"));
        assert!(s.remove(b"ab"));
        assert!(!s.matches(b"abc"));
        assert!(!s.remove(b"ab"));
        assert!(s.is_empty());
        s.add(b"");
        assert!(s.matches(b""));
        assert!(s.matches(b"zzz"));
        s.add(b"x");
        let mut topics = s.topics();
        topics.sort();
        assert_eq!(topics, vec![b"".to_vec(), b"x".to_vec()]);
    }
}
