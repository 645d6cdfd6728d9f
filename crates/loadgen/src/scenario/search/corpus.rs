//! Text that searches like a team's: words drawn from a vocabulary with a Zipf distribution
//! (the n-th most common word turns up about 1/n as often as the first, as in real text),
//! so a query meets the mix of very common, middling and rare words that real ones do.
//! Deterministic for a seed, so every run writes the same history.

use rand::Rng;

/// The most common words, in order: a team chat's own. The rest of the vocabulary is made
/// of syllables, pronounceable and unique.
const COMMON: &[&str] = &[
    "the",
    "to",
    "i",
    "a",
    "and",
    "is",
    "it",
    "we",
    "for",
    "on",
    "in",
    "of",
    "you",
    "that",
    "this",
    "be",
    "can",
    "will",
    "with",
    "have",
    "are",
    "not",
    "do",
    "just",
    "so",
    "but",
    "at",
    "if",
    "me",
    "my",
    "what",
    "should",
    "now",
    "up",
    "our",
    "they",
    "there",
    "was",
    "all",
    "get",
    "need",
    "think",
    "from",
    "deploy",
    "build",
    "release",
    "review",
    "today",
    "test",
    "fix",
    "thanks",
    "yes",
    "team",
    "meeting",
    "issue",
    "branch",
    "merge",
    "server",
    "update",
    "tomorrow",
    "check",
    "error",
    "customer",
    "design",
    "docs",
    "ticket",
    "client",
    "query",
    "database",
    "config",
    "staging",
    "production",
    "rollback",
    "logs",
    "latency",
    "metrics",
    "alert",
    "incident",
    "backup",
    "migration",
    "schema",
    "index",
    "cache",
    "queue",
    "worker",
    "pipeline",
    "budget",
    "roadmap",
    "launch",
    "invoice",
    "contract",
    "hiring",
    "onboarding",
    "feedback",
    "mockup",
    "sprint",
    "retro",
    "standup",
    "demo",
    "lunch",
    "coffee",
    "weekend",
];

const SYLLABLES: &[&str] = &[
    "ka", "ri", "to", "mel", "dan", "su", "ve", "lor", "pi", "ne", "ga", "thu", "os", "ber", "zi",
    "qua", "fen", "mo", "tal", "wy", "ex", "bro", "cid", "ul",
];

/// A vocabulary and the cumulative Zipf weights to draw from it.
pub struct Vocabulary {
    words: Vec<String>,
    /// `cumulative[n]` = sum of 1/(k+1) for k ≤ n.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// `size` words (at least the common ones).
    pub fn new(size: usize) -> Self {
        let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        let mut n = SYLLABLES.len();
        while words.len() < size {
            let word = syllables(n);
            n += 1;
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += 1.0 / (rank as f64 + 1.0);
                total
            })
            .collect();
        Self { words, cumulative }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word of this rank (0 is the most common).
    pub fn word(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// A word drawn by frequency.
    pub fn draw(&self, rng: &mut impl Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let at = rng.random::<f64>() * total;
        let rank = self.cumulative.partition_point(|&c| c < at);
        self.word(rank)
    }

    /// A chat message of 4 to 24 words, as people type them.
    pub fn message(&self, rng: &mut impl Rng) -> String {
        let length = rng.random_range(4..=24);
        let mut text = String::with_capacity(length * 7);
        for n in 0..length {
            let word = self.draw(rng);
            if n == 0 {
                let mut letters = word.chars();
                if let Some(first) = letters.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(letters.as_str());
                }
            } else {
                text.push(' ');
                text.push_str(word);
            }
        }
        text.push(if rng.random_ratio(1, 5) { '?' } else { '.' });
        text
    }
}

/// Number `n` written in syllables (base `SYLLABLES.len()`).
fn syllables(mut n: usize) -> String {
    let base = SYLLABLES.len();
    let mut word = String::new();
    loop {
        word.insert_str(0, SYLLABLES[n % base]);
        n /= base;
        if n == 0 {
            return word;
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn words_are_unique_letters_and_common_ones_come_first() {
        let vocabulary = Vocabulary::new(5_000);
        assert_eq!(vocabulary.len(), 5_000);
        assert_eq!(vocabulary.word(0), "the");
        let unique: std::collections::HashSet<&str> =
            (0..vocabulary.len()).map(|n| vocabulary.word(n)).collect();
        assert_eq!(unique.len(), vocabulary.len());
        assert!(unique.iter().all(|w| w.chars().all(char::is_alphabetic)));
    }

    #[test]
    fn draws_follow_rank() {
        let vocabulary = Vocabulary::new(5_000);
        let mut rng = StdRng::seed_from_u64(7);
        let rank_of: std::collections::HashMap<&str, usize> = (0..vocabulary.len())
            .map(|n| (vocabulary.word(n), n))
            .collect();
        let mut counts = vec![0u32; vocabulary.len()];
        for _ in 0..100_000 {
            counts[rank_of[vocabulary.draw(&mut rng)]] += 1;
        }
        // About twice as often as the second, ten times as often as the tenth.
        assert!(counts[0] > counts[1] * 3 / 2 && counts[0] < counts[1] * 5 / 2);
        assert!(counts[0] > counts[9] * 6 && counts[0] < counts[9] * 15);
        assert!(counts[4_000..].iter().any(|&c| c > 0), "rare words occur");
    }
}
