//! Message search (issue 16): words, phrases, exclusions, prefixes and operators, the same
//! answers on SQLite and PostgreSQL (every test runs on both), and never a message the
//! searcher may not read now.

use ocomms_client::Client;
use ocomms_proto::conversation::ConversationUpdate;
use ocomms_proto::message::HistoryQuery;
use ocomms_proto::search::{SearchOrder, SearchQuery, SearchResults};
use ocomms_proto::{ErrorCode, MessageId};
use ocomms_store::testing::TestDb;
use ocomms_store::{HistoryMessage, Store};

use crate::support::{TestServer, channel, refusal as code};

ocomms_store::backend_tests!(
    words_phrases_and_operators_find_the_same_messages,
    search_shows_only_what_the_searcher_may_read_now,
    a_query_that_cannot_be_read_is_explained,
    most_relevant_ranks_the_better_matches_first,
    public_channels_one_is_not_in_are_searched_on_request_and_marked,
    jumping_to_a_date_opens_the_timeline_at_that_day,
);

/// The bodies of what `q` finds for `who`, newest first.
async fn found(who: &Client, slug: &str, q: &str) -> Vec<String> {
    who.search(slug, q, None)
        .await
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .messages
        .into_iter()
        .map(|m| m.body)
        .collect()
}

async fn words_phrases_and_operators_find_the_same_messages(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![t.ids.admin]).await;
    let ops = t.channel_by_member("ops", false, vec![t.ids.admin]).await;
    let say = |who: &Client, conversation, body: &'static str| {
        let who = who.clone();
        async move { who.post_message(conversation, body, None).await.unwrap() }
    };
    say(&t.member, town, "The deploy is at noon").await;
    say(&t.admin, town, "Deploying the release notes now").await;
    let staging = say(&t.admin, ops, "deploy to staging.example.com failed").await;
    say(
        &t.member,
        ops,
        "Release NOTES are ready: https://example.com/notes",
    )
    .await;
    let pinned = say(&t.member, ops, "runbook: restart the queue").await;
    t.member.set_pinned(pinned.id, true).await.unwrap();
    t.admin.react(staging.id, "👀").await.unwrap();
    let root = say(&t.member, town, "lunch plans?").await;
    t.admin
        .reply(town, root.id, "tacos, then deploy", false)
        .await
        .unwrap();
    let slug = &t.slug;
    let a = &t.member;

    assert_eq!(
        found(a, slug, "deploy").await,
        [
            "tacos, then deploy",
            "deploy to staging.example.com failed",
            "The deploy is at noon"
        ],
        "whole words, any case, newest first"
    );
    assert_eq!(found(a, slug, "deploy*").await.len(), 4, "prefix");
    assert_eq!(
        found(a, slug, "\"release notes\"").await,
        [
            "Release NOTES are ready: https://example.com/notes",
            "Deploying the release notes now"
        ]
    );
    assert_eq!(
        found(a, slug, "\"notes release\"").await,
        Vec::<String>::new(),
        "a phrase keeps its order"
    );
    assert_eq!(
        found(a, slug, "deploy -staging -tacos").await,
        ["The deploy is at noon"]
    );
    assert_eq!(
        found(a, slug, "example").await,
        [
            "Release NOTES are ready: https://example.com/notes",
            "deploy to staging.example.com failed"
        ],
        "a host name is words on both backends"
    );
    assert_eq!(
        found(a, slug, "from:@ann.admin deploy*").await,
        [
            "tacos, then deploy",
            "deploy to staging.example.com failed",
            "Deploying the release notes now"
        ]
    );
    assert_eq!(
        found(a, slug, "in:#ops deploy").await,
        ["deploy to staging.example.com failed"]
    );
    assert_eq!(
        found(a, slug, "has:link").await,
        ["Release NOTES are ready: https://example.com/notes"]
    );
    assert_eq!(
        found(a, slug, "has:reaction").await,
        ["deploy to staging.example.com failed"]
    );
    assert_eq!(
        found(a, slug, "is:pinned").await,
        ["runbook: restart the queue"]
    );
    assert_eq!(
        found(a, slug, "is:thread").await,
        ["tacos, then deploy", "lunch plans?"]
    );
    let today = chrono_free_today();
    assert_eq!(found(a, slug, &format!("on:{today} noon")).await.len(), 1);
    assert!(found(a, slug, "before:2000-01-01 deploy").await.is_empty());
    assert_eq!(found(a, slug, "after:2000-01-01 noon").await.len(), 1);

    // Pages: newest first, `before` the last one shown.
    let first = a.search(slug, "deploy*", None).await.unwrap();
    assert_eq!(first.messages.len(), 4);
    assert!(!first.more);
    let after_two = a
        .search(slug, "deploy*", Some(first.messages[1].id))
        .await
        .unwrap();
    assert_eq!(
        after_two
            .messages
            .iter()
            .map(|m| m.id)
            .collect::<Vec<MessageId>>(),
        first.messages[2..]
            .iter()
            .map(|m| m.id)
            .collect::<Vec<MessageId>>()
    );
}

/// Today's date in UTC as `YYYY-MM-DD` (the test accounts have no time zone).
fn chrono_free_today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

async fn search_shows_only_what_the_searcher_may_read_now(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let slug = &t.slug;
    let secret = t.channel_by_member("secret", true, vec![t.ids.admin]).await;
    let open = t.channel_by_member("open", false, vec![]).await;
    let dm = t.member.open_direct(slug, &[t.ids.owner]).await.unwrap().id;
    t.member
        .post_message(secret, "the merger codeword is falcon", None)
        .await
        .unwrap();
    t.member
        .post_message(open, "falcon sightings in the open", None)
        .await
        .unwrap();
    t.member
        .post_message(dm, "falcon between us", None)
        .await
        .unwrap();
    let gone = t
        .member
        .post_message(open, "falcon typo", None)
        .await
        .unwrap();
    t.member.delete_message(gone.id).await.unwrap();

    assert_eq!(
        found(&t.member, slug, "falcon").await,
        [
            "falcon between us",
            "falcon sightings in the open",
            "the merger codeword is falcon"
        ],
        "deleted messages are gone from search"
    );
    assert_eq!(
        found(&t.admin, slug, "falcon").await,
        ["the merger codeword is falcon"],
        "not in #open (never joined), not in others' direct messages"
    );
    assert_eq!(
        found(&t.owner, slug, "falcon").await,
        ["falcon between us"],
        "owning the workspace opens no private channel"
    );
    assert!(found(&t.guest, slug, "falcon").await.is_empty());
    assert_eq!(
        code(t.outsider.search(slug, "falcon", None).await),
        (Some(ErrorCode::NotFound), Some(404))
    );
    // Removed from the private channel: its messages stop matching at once.
    t.member
        .remove_from_conversation(secret, t.ids.admin)
        .await
        .unwrap();
    assert!(found(&t.admin, slug, "falcon").await.is_empty());
    // An edit is searched by its new words only.
    let edited = t.member.post_message(open, "hawk", None).await.unwrap();
    t.member.edit_message(edited.id, "eagle").await.unwrap();
    assert!(found(&t.member, slug, "hawk").await.is_empty());
    assert_eq!(found(&t.member, slug, "eagle").await, ["eagle"]);
}

async fn a_query_that_cannot_be_read_is_explained(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    for q in ["colour:red", "after:yesterday", "has:cats", "", "   "] {
        let error = t.member.search(&t.slug, q, None).await.unwrap_err();
        assert_eq!(error.code(), Some(ErrorCode::ValidationFailed), "{q:?}");
    }
    let error = t
        .member
        .search(&t.slug, "colour:red", None)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("colour: is not a search operator"),
        "{error}"
    );
}

fn bodies(results: &SearchResults) -> Vec<&str> {
    results.messages.iter().map(|m| m.body.as_str()).collect()
}

fn relevant(q: &str, offset: Option<u32>) -> SearchQuery {
    SearchQuery {
        q: q.into(),
        order: SearchOrder::Relevant,
        offset,
        ..SearchQuery::default()
    }
}

async fn most_relevant_ranks_the_better_matches_first(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![]).await;
    for body in [
        "deploy deploy deploy",
        "we will deploy the thing after lunch today or maybe later this week",
        "deploy now",
        "nothing to see",
    ] {
        t.member.post_message(town, body, None).await.unwrap();
    }
    let (a, slug) = (&t.member, &t.slug);
    let ranked = a
        .search_with(slug, &relevant("deploy", None))
        .await
        .unwrap();
    assert_eq!(
        bodies(&ranked),
        [
            "deploy deploy deploy",
            "deploy now",
            "we will deploy the thing after lunch today or maybe later this week"
        ],
        "the word more often, in fewer words, first"
    );
    assert!(!ranked.more);
    let rest = a
        .search_with(slug, &relevant("deploy", Some(1)))
        .await
        .unwrap();
    assert_eq!(
        bodies(&rest),
        bodies(&ranked)[1..],
        "offset skips the shown"
    );
    // Operators alone have nothing to rank: newest first.
    let operators = a
        .search_with(slug, &relevant("in:#town", None))
        .await
        .unwrap();
    assert_eq!(
        operators.messages.first().map(|m| m.body.as_str()),
        Some("nothing to see")
    );
    // With `from:`, which SQLite otherwise answers from the people's messages.
    let from = a
        .search_with(slug, &relevant("from:@max.member deploy", None))
        .await
        .unwrap();
    assert_eq!(bodies(&from), bodies(&ranked));
    for (query, field) in [
        (relevant("deploy", Some(1_000)), "offset"),
        (
            SearchQuery {
                q: "deploy".into(),
                offset: Some(1),
                ..SearchQuery::default()
            },
            "offset",
        ),
    ] {
        let error = a.search_with(slug, &query).await.unwrap_err();
        assert_eq!(error.code(), Some(ErrorCode::ValidationFailed));
        assert!(format!("{error:?}").contains(field), "{error:?}");
    }
}

async fn public_channels_one_is_not_in_are_searched_on_request_and_marked(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let slug = &t.slug;
    let plaza = t
        .admin
        .create_channel(slug, &channel("plaza", false, vec![]))
        .await
        .unwrap()
        .id;
    let vault = t
        .admin
        .create_channel(slug, &channel("vault", true, vec![]))
        .await
        .unwrap()
        .id;
    let attic = t.channel_by_member("attic", false, vec![]).await;
    t.admin
        .post_message(plaza, "heron in the plaza", None)
        .await
        .unwrap();
    t.admin
        .post_message(vault, "heron in the vault", None)
        .await
        .unwrap();
    t.member
        .post_message(attic, "heron in the attic", None)
        .await
        .unwrap();
    let archive = ConversationUpdate {
        archived: Some(true),
        ..ConversationUpdate::default()
    };
    t.member.update_conversation(attic, &archive).await.unwrap();

    let everywhere = SearchQuery {
        q: "heron".into(),
        all_public: true,
        ..SearchQuery::default()
    };
    let mine = t.member.search(slug, "heron", None).await.unwrap();
    assert_eq!(bodies(&mine), ["heron in the attic"]);
    let attic_found = &mine.conversations[0];
    assert_eq!(
        (attic_found.id, attic_found.archived, attic_found.is_member),
        (attic, true, true)
    );
    assert_eq!(attic_found.name, "attic");

    let all = t.member.search_with(slug, &everywhere).await.unwrap();
    assert_eq!(
        bodies(&all),
        ["heron in the attic", "heron in the plaza"],
        "public channels too, never a private one the searcher is not in"
    );
    let plaza_found = all.conversations.iter().find(|c| c.id == plaza).unwrap();
    assert!(!plaza_found.is_member && !plaza_found.archived);
    assert_eq!(all.conversations.len(), 2);
    // Most relevant order reads the same places.
    let ranked = SearchQuery {
        order: SearchOrder::Relevant,
        ..everywhere.clone()
    };
    assert_eq!(
        t.member
            .search_with(slug, &ranked)
            .await
            .unwrap()
            .messages
            .len(),
        2
    );
    // Guests only ever search their own conversations.
    assert!(
        t.guest
            .search_with(slug, &everywhere)
            .await
            .unwrap()
            .messages
            .is_empty()
    );
}

async fn jumping_to_a_date_opens_the_timeline_at_that_day(db: TestDb) {
    let s = TestServer::start(db).await;
    let t = s.team().await;
    let town = t.channel_by_member("town", false, vec![]).await;
    // A year of history, one message a day from 2025-01-01 (UTC), written straight in.
    let store = Store::connect(&s.db.url).await.unwrap();
    let first_day = 1_735_689_600_000_i64; // 2025-01-01T00:00:00Z
    let history: Vec<HistoryMessage> = (0..365)
        .map(|day| HistoryMessage {
            conversation: town,
            author: t.ids.member,
            body: format!("day {day}"),
            html: format!("<p>day {day}</p>"),
            created_at: first_day + day * 86_400_000 + 3_600_000,
            thread_root: None,
            also_in_channel: false,
            edited_at: None,
        })
        .collect();
    store.append_history(&history).await.unwrap();
    let at = |date: &str| HistoryQuery {
        date: Some(date.into()),
        limit: Some(10),
        ..HistoryQuery::default()
    };
    let page = t.member.history(town, &at("2025-03-01")).await.unwrap();
    let bodies: Vec<&str> = page.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "day 55", "day 56", "day 57", "day 58", "day 59", "day 60", "day 61", "day 62",
            "day 63", "day 64"
        ],
        "the first message of March 1st (day 59) ends the page's older half"
    );
    assert!(page.more_before && page.more_after);
    // Nothing written since: the newest page.
    let later = t.member.history(town, &at("2099-01-01")).await.unwrap();
    assert!(!later.more_after);
    for (query, why) in [
        (at("March 1st"), "not a date"),
        (
            HistoryQuery {
                before: Some(5),
                ..at("2025-03-01")
            },
            "two windows",
        ),
    ] {
        let error = t.member.history(town, &query).await.unwrap_err();
        assert_eq!(error.code(), Some(ErrorCode::ValidationFailed), "{why}");
    }
    // The web page's date form lands on the same stretch, the message marked.
    let http = super::pages::browser();
    let cookie = super::pages::web_sign_in(&http, &s.url(), "member@acme.test").await;
    let jumped = http
        .get(format!("{}/w/{}/c/{town}?date=2025-03-01", s.url(), t.slug))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(jumped.status(), 303);
    let day59 = page.messages.iter().find(|m| m.body == "day 59").unwrap();
    assert_eq!(
        super::pages::location(&jumped),
        format!("/w/{}/c/{town}?around={}#m{}", t.slug, day59.seq, day59.id)
    );
    // Someone who may not read the conversation learns nothing, dates or not.
    assert_eq!(
        code(t.outsider.history(town, &at("2025-03-01")).await).1,
        Some(404)
    );
}
