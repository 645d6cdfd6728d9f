// The app shell's moving parts: on narrow screens the rail and sidebar as a drawer (the
// ☰ link opens it; without this script it opens through :target), and on conversation pages
// the members panel that the header's members button shows and hides. Wide screens keep the
// reader's last choice; narrow ones start with it closed, so the timeline gets the room.

const NARROW = window.matchMedia("(max-width: 760px)");
const MEMBERS_KEY = "ocomms.membersPanel";

export function wireDrawer() {
  const toggle = document.querySelector(".drawer-toggle");
  const drawer = document.getElementById("navigation");
  if (!toggle || !drawer) return;
  toggle.setAttribute("role", "button");
  toggle.setAttribute("aria-expanded", "false");
  const main = document.getElementById("main");
  const setOpen = (open) => {
    document.body.classList.toggle("drawer-open", open);
    // Behind the open drawer the page is out of reach, for the keyboard and screen readers too.
    main?.toggleAttribute("inert", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open) drawer.querySelector("a[aria-current='page'], a")?.focus();
    else toggle.focus();
  };
  toggle.addEventListener("click", (event) => {
    event.preventDefault();
    setOpen(true);
  });
  for (const close of drawer.querySelectorAll(".drawer-close")) {
    close.addEventListener("click", (event) => {
      event.preventDefault();
      setOpen(false);
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("drawer-open")) setOpen(false);
  });
  // A tap beside the open drawer (on the dimmed page) closes it.
  document.addEventListener("click", (event) => {
    if (document.body.classList.contains("drawer-open") && !event.target.closest(".rail, .sidebar, .drawer-toggle")) setOpen(false);
  });
}

export function wireMembersPanel() {
  const body = document.querySelector(".conv-body");
  const toggle = document.querySelector("[data-members-toggle]");
  if (!body || !toggle) return;
  toggle.setAttribute("role", "button");
  const stored = () => {
    try {
      return localStorage.getItem(MEMBERS_KEY);
    } catch {
      return null;
    }
  };
  const apply = (open) => {
    body.dataset.members = open ? "open" : "closed";
    toggle.setAttribute("aria-expanded", String(open && Boolean(body.querySelector(".members-panel"))));
  };
  apply(!NARROW.matches && stored() !== "closed" || location.hash === "#members");
  const set = (open) => {
    apply(open);
    if (!NARROW.matches) {
      try {
        localStorage.setItem(MEMBERS_KEY, open ? "open" : "closed");
      } catch {
        // Storage refused (private window): the choice lasts for this page only.
      }
    }
    if (open) body.querySelector(".members-panel h2")?.setAttribute("tabindex", "-1");
    if (open) body.querySelector(".members-panel h2")?.focus();
  };
  toggle.addEventListener("click", (event) => {
    event.preventDefault();
    const panel = body.querySelector(":scope > aside:not(.members-panel) .close-panel");
    if (panel) {
      // A thread or the pinned list is where the members go: close it, show them.
      panel.click();
      set(true);
      return;
    }
    set(body.dataset.members !== "open");
  });
  body.addEventListener("click", (event) => {
    if (!event.target.closest("[data-members-close]")) return;
    event.preventDefault();
    set(false);
    toggle.focus();
  });
  NARROW.addEventListener("change", () => apply(!NARROW.matches && stored() !== "closed"));
}
