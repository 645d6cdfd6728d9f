//! Integration tests of the JSON API and the pages, against a real server on a free port,
//! each scenario on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

mod api {
    mod accounts;
    mod backup;
    mod channels;
    mod cli;
    mod contract;
    mod directs;
    mod durability;
    mod export;
    mod invitations;
    mod loadgen;
    mod matrix;
    mod members;
    mod mentions;
    mod metrics;
    mod missed_email;
    mod nodes;
    mod notifications;
    mod pages;
    mod personal_export;
    mod pins;
    mod profiles;
    mod proxy;
    mod reactions;
    mod realtime;
    mod rejections;
    mod search;
    mod signin_limits;
    mod signup;
    mod slack;
    mod sockets;
    mod thread_pages;
    mod threads;
    mod tls;
    mod unread;
    mod walkthrough;
    mod workspaces;
}
