"""A catalogue of tool schemas across domains, written for the simulator.

Harvesters offer a different random subset almost every request; a legitimate agent app offers one fixed
set (see agent_apps.py)."""

from __future__ import annotations

import random
from typing import Any

from distillguard.simulate.model import ToolSpec

# (type, description) or (type, description, enum values)
Param = tuple[str, str] | tuple[str, str, tuple[str, ...]]


def tool(name: str, description: str, required: tuple[str, ...] = (), /, **params: Param) -> ToolSpec:
    properties: dict[str, Any] = {}
    for key, spec in params.items():
        prop: dict[str, Any] = {"type": spec[0], "description": spec[1]}
        if len(spec) == 3:
            prop["enum"] = list(spec[2])
        if spec[0] == "array":
            prop["items"] = {"type": "string"}
        properties[key] = prop
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    schema["required"] = list(required or tuple(params)[:1])
    return ToolSpec(name, description, schema)


S, N, INT, B, A = "string", "number", "integer", "boolean", "array"

CATALOGUE: dict[str, tuple[ToolSpec, ...]] = {
    "weather": (
        tool(
            "get_current_weather",
            "Current conditions for a location.",
            location=(S, "City and country"),
            unit=(S, "Temperature unit", ("celsius", "fahrenheit")),
        ),
        tool(
            "get_forecast",
            "Daily forecast for up to 10 days.",
            ("location",),
            location=(S, "City"),
            days=(INT, "Number of days, 1-10"),
        ),
        tool(
            "get_air_quality",
            "Air quality index and pollutants for coordinates.",
            ("lat", "lon"),
            lat=(N, "Latitude"),
            lon=(N, "Longitude"),
        ),
    ),
    "travel": (
        tool(
            "search_flights",
            "Search one-way or return flights.",
            ("origin", "destination", "date"),
            origin=(S, "IATA code"),
            destination=(S, "IATA code"),
            date=(S, "YYYY-MM-DD"),
            return_date=(S, "YYYY-MM-DD, optional"),
            cabin=(S, "Cabin class", ("economy", "premium", "business")),
        ),
        tool(
            "book_flight",
            "Book a flight offer for a passenger.",
            ("offer_id", "passenger_name"),
            offer_id=(S, "Offer id from search_flights"),
            passenger_name=(S, "Full name as on passport"),
        ),
        tool(
            "search_hotels",
            "Find hotels in a city for given dates.",
            ("city", "check_in", "check_out"),
            city=(S, "City"),
            check_in=(S, "YYYY-MM-DD"),
            check_out=(S, "YYYY-MM-DD"),
            max_price=(N, "Per night"),
        ),
        tool(
            "get_exchange_rate",
            "Exchange rate between two currencies.",
            ("base", "quote"),
            base=(S, "ISO currency"),
            quote=(S, "ISO currency"),
        ),
    ),
    "crm": (
        tool("crm_find_contact", "Look up a contact by email or name.", query=(S, "Email address or name")),
        tool(
            "crm_create_lead",
            "Create a sales lead.",
            ("company", "contact_email"),
            company=(S, "Company"),
            contact_email=(S, "Email"),
            source=(S, "Lead source", ("web", "event", "referral")),
        ),
        tool(
            "crm_update_deal_stage",
            "Move a deal to another pipeline stage.",
            ("deal_id", "stage"),
            deal_id=(S, "Deal id"),
            stage=(S, "Stage", ("qualified", "proposal", "won", "lost")),
        ),
        tool(
            "crm_log_activity",
            "Log a call, meeting or note on a record.",
            ("record_id", "kind", "body"),
            record_id=(S, "Record id"),
            kind=(S, "Activity kind", ("call", "meeting", "note")),
            body=(S, "Text"),
        ),
    ),
    "data": (
        tool("run_sql", "Execute a read-only SQL query against the analytics warehouse.", query=(S, "SQL")),
        tool("describe_table", "Columns and types of a warehouse table.", table=(S, "schema.table")),
        tool("list_tables", "List tables in a schema.", schema=(S, "Schema name")),
        tool(
            "create_chart",
            "Render a chart from query results.",
            ("query_id", "kind"),
            query_id=(S, "Result id"),
            kind=(S, "Chart kind", ("bar", "line", "scatter", "pie")),
        ),
    ),
    "shell": (
        tool(
            "bash",
            "Run a shell command in the sandbox and return stdout, stderr and exit code.",
            command=(S, "Command line"),
            timeout=(INT, "Seconds"),
        ),
        tool("python_exec", "Execute Python code in a persistent Jupyter kernel.", code=(S, "Python source")),
    ),
    "files": (
        tool(
            "read_file",
            "Read a file, optionally a line range.",
            ("path",),
            path=(S, "Path"),
            start_line=(INT, "First line"),
            end_line=(INT, "Last line"),
        ),
        tool("write_file", "Create or overwrite a file.", ("path", "content"), path=(S, "Path"), content=(S, "Text")),
        tool(
            "str_replace",
            "Replace an exact, unique string in a file.",
            ("path", "old", "new"),
            path=(S, "Path"),
            old=(S, "Existing text"),
            new=(S, "Replacement"),
        ),
        tool("list_directory", "List entries of a directory.", path=(S, "Directory")),
        tool(
            "grep_search",
            "Search files for a regular expression.",
            ("pattern",),
            pattern=(S, "Regex"),
            path=(S, "Where to search"),
            glob=(S, "File glob"),
        ),
    ),
    "dev": (
        tool("run_tests", "Run the test suite or a subset and report failures.", selector=(S, "Test path or -k expr")),
        tool("git_diff", "Show the working-tree diff.", path=(S, "Optional path")),
        tool("git_commit", "Commit staged changes.", message=(S, "Commit message")),
        tool(
            "open_pull_request",
            "Open a pull request.",
            ("title", "body"),
            title=(S, "Title"),
            body=(S, "Body"),
            base=(S, "Base branch"),
        ),
        tool("get_ci_logs", "Fetch logs of a CI job.", job_id=(S, "Job id")),
    ),
    "browser": (
        tool("browser_navigate", "Open a URL in the browser.", url=(S, "URL")),
        tool("browser_click", "Click an element by CSS selector or visible text.", selector=(S, "Selector")),
        tool(
            "browser_type",
            "Type text into a focused field.",
            ("selector", "text"),
            selector=(S, "Selector"),
            text=(S, "Text"),
            submit=(B, "Press Enter afterwards"),
        ),
        tool("browser_get_text", "Return the visible text of the current page.", max_chars=(INT, "Limit")),
        tool("web_search", "Search the web and return the top results.", query=(S, "Query"), num=(INT, "Results")),
        tool("fetch_url", "Download a page and return it as markdown.", url=(S, "URL")),
    ),
    "computer": (
        tool("screenshot", "Capture the screen and return an image.", display=(INT, "Display number")),
        tool(
            "mouse_click",
            "Click at screen coordinates.",
            ("x", "y"),
            x=(INT, "X"),
            y=(INT, "Y"),
            button=(S, "Button", ("left", "right", "middle")),
        ),
        tool("keyboard_type", "Type a string with the keyboard.", text=(S, "Text")),
        tool("key_press", "Press a key combination such as ctrl+s.", keys=(S, "Keys")),
        tool(
            "scroll",
            "Scroll at a position.",
            ("direction",),
            direction=(S, "Direction", ("up", "down")),
            amount=(INT, "Wheel clicks"),
        ),
    ),
    "calendar": (
        tool(
            "calendar_list_events",
            "List events between two times.",
            ("start", "end"),
            start=(S, "ISO time"),
            end=(S, "ISO time"),
        ),
        tool(
            "calendar_create_event",
            "Create an event and invite attendees.",
            ("title", "start", "end"),
            title=(S, "Title"),
            start=(S, "ISO time"),
            end=(S, "ISO time"),
            attendees=(A, "Emails"),
        ),
        tool(
            "find_free_slot",
            "Find a slot when all attendees are free.",
            ("attendees", "duration_minutes"),
            attendees=(A, "Emails"),
            duration_minutes=(INT, "Length"),
        ),
    ),
    "email": (
        tool(
            "send_email",
            "Send an email.",
            ("to", "subject", "body"),
            to=(A, "Recipients"),
            subject=(S, "Subject"),
            body=(S, "Body"),
        ),
        tool("search_inbox", "Search the mailbox.", query=(S, "Search terms"), limit=(INT, "Max results")),
        tool(
            "post_slack_message",
            "Post a message to a Slack channel.",
            ("channel", "text"),
            channel=(S, "Channel"),
            text=(S, "Message"),
        ),
    ),
    "payments": (
        tool(
            "create_invoice",
            "Create an invoice for a customer.",
            ("customer_id", "amount", "currency"),
            customer_id=(S, "Customer"),
            amount=(N, "Amount"),
            currency=(S, "ISO currency"),
        ),
        tool(
            "refund_payment",
            "Refund a payment fully or partially.",
            ("payment_id",),
            payment_id=(S, "Payment"),
            amount=(N, "Partial amount"),
        ),
        tool("get_balance", "Current account balance.", account_id=(S, "Account")),
        tool(
            "list_transactions",
            "List transactions in a date range.",
            ("account_id",),
            account_id=(S, "Account"),
            since=(S, "YYYY-MM-DD"),
        ),
    ),
    "commerce": (
        tool("search_products", "Search the product catalogue.", query=(S, "Terms"), max_price=(N, "Price cap")),
        tool("get_order_status", "Status and tracking of an order.", order_id=(S, "Order number")),
        tool(
            "add_to_cart",
            "Add a product to the cart.",
            ("product_id",),
            product_id=(S, "Product"),
            quantity=(INT, "Quantity"),
        ),
    ),
    "maps": (
        tool("geocode", "Coordinates of an address.", address=(S, "Address")),
        tool(
            "get_directions",
            "Route between two places.",
            ("origin", "destination"),
            origin=(S, "From"),
            destination=(S, "To"),
            mode=(S, "Mode", ("driving", "walking", "transit", "cycling")),
        ),
        tool(
            "search_places",
            "Find places of a type near a location.",
            ("query", "near"),
            query=(S, "What"),
            near=(S, "Where"),
        ),
    ),
    "orchestration": (
        tool(
            "dispatch_agent",
            "Start a sub-agent with its own instructions and tools; returns its final report.",
            ("role", "instructions"),
            role=(S, "Sub-agent role"),
            instructions=(S, "Task for the sub-agent"),
        ),
        tool("update_plan", "Replace the current task plan.", steps=(A, "Ordered steps")),
        tool("memory_write", "Store a fact in long-term memory.", ("key", "value"), key=(S, "Key"), value=(S, "Value")),
        tool("memory_search", "Retrieve facts from long-term memory.", query=(S, "Query")),
    ),
    "misc": (
        tool("calculator", "Evaluate an arithmetic expression.", expression=(S, "Expression")),
        tool("get_stock_quote", "Latest quote for a ticker.", symbol=(S, "Ticker")),
        tool("translate_text", "Translate text.", ("text", "target"), text=(S, "Text"), target=(S, "Language code")),
        tool(
            "create_ticket",
            "Open a support or issue-tracker ticket.",
            ("title", "description"),
            title=(S, "Title"),
            description=(S, "Details"),
            priority=(S, "Priority", ("low", "medium", "high")),
        ),
    ),
}

ALL_TOOLS: tuple[ToolSpec, ...] = tuple(spec for group in CATALOGUE.values() for spec in group)
BY_NAME: dict[str, ToolSpec] = {spec.name: spec for spec in ALL_TOOLS}
CODING_TOOLS: tuple[ToolSpec, ...] = CATALOGUE["shell"] + CATALOGUE["files"] + CATALOGUE["dev"]

# ------------------------------------------------------------- synthetic tools: an agentic swarm's toolset factory
# Breadth-first harvesting wants trajectories over as many APIs as it can invent, so its script composes tools from
# verbs, nouns and parameters: hundreds of distinct toolsets in a day, none of them a product anyone ships.
SYNTH_VERBS = (
    "get",
    "list",
    "create",
    "update",
    "delete",
    "search",
    "fetch",
    "sync",
    "cancel",
    "schedule",
    "validate",
    "export",
    "approve",
    "assign",
    "lookup",
    "estimate",
    "reserve",
    "notify",
    "archive",
    "summarize",
)
SYNTH_NOUNS = (
    "invoice",
    "shipment",
    "ticket",
    "patient_record",
    "meeting",
    "playlist",
    "warehouse_slot",
    "policy",
    "claim",
    "lead",
    "vehicle",
    "route",
    "recipe",
    "course",
    "loan_offer",
    "sensor_reading",
    "contract",
    "subscription",
    "parcel",
    "timesheet",
    "booking",
    "campaign",
    "dataset",
    "container",
    "branch",
)
SYNTH_PARAMS: dict[str, Param] = {
    "id": (S, "Identifier"),
    "query": (S, "Free-text filter"),
    "date": (S, "YYYY-MM-DD"),
    "limit": (INT, "Maximum number of results"),
    "status": (S, "Status", ("open", "pending", "closed")),
    "region": (S, "Region code"),
    "amount": (N, "Amount"),
    "currency": (S, "ISO currency"),
    "email": (S, "Email address"),
    "priority": (S, "Priority", ("low", "normal", "urgent")),
    "notes": (S, "Notes"),
    "owner": (S, "Owner user id"),
    "dry_run": (B, "Validate without applying"),
    "tags": (A, "Labels"),
}
SYNTH_SUFFIXES = ("", "", "", "_v2", "_by_id", "_bulk", "_async")


def synthetic_tool(rng: random.Random) -> ToolSpec:
    verb, noun = rng.choice(SYNTH_VERBS), rng.choice(SYNTH_NOUNS)
    keys = rng.sample(sorted(SYNTH_PARAMS), rng.randint(1, 4))
    return tool(
        f"{verb}_{noun}{rng.choice(SYNTH_SUFFIXES)}",
        f"{verb.capitalize()} {noun.replace('_', ' ')} entries in the {rng.choice(('core', 'ops', 'partner'))} system.",
        tuple(keys[: rng.randint(1, len(keys))]),
        **{key: SYNTH_PARAMS[key] for key in keys},
    )


def synthetic_toolset(rng: random.Random, low: int = 3, high: int = 8) -> tuple[ToolSpec, ...]:
    tools: dict[str, ToolSpec] = {}
    for _ in range(rng.randint(low, high)):
        spec = synthetic_tool(rng)
        tools.setdefault(spec.name, spec)
    return tuple(tools.values())
