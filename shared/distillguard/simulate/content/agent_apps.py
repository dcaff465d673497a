"""Legitimate agent products: each app offers ONE fixed toolset with one system prompt, whatever its users ask.

Agent developers build them (see developers.py). Their requests are agentic shaped, so a prompt classifier rightly
calls them agentic; what sets them apart from harvesting is that the toolset never changes."""

from __future__ import annotations

import random
from dataclasses import dataclass

from distillguard.simulate.content.names import AIRPORTS, CITIES, FIRST_NAMES
from distillguard.simulate.content.tools import BY_NAME, tool
from distillguard.simulate.model import ToolSpec


@dataclass(frozen=True)
class AgentApp:
    name: str
    system: str
    tools: tuple[ToolSpec, ...]
    user_templates: tuple[str, ...]


def _tools(*names: str) -> tuple[ToolSpec, ...]:
    return tuple(BY_NAME[name] for name in names)


APPS: tuple[AgentApp, ...] = (
    AgentApp(
        "skyhop-concierge",
        "You are SkyHop's booking assistant. Help customers search and book flights. Always confirm the passenger "
        "name and date before booking. Prices are in EUR.",
        _tools("search_flights", "book_flight"),
        (
            "any flights {ap} to {ap2} on march {day}?",
            "I want to fly from {ap} to {ap2} next friday, morning if possible",
            "book the 7am one for {name} please",
            "what's the cheapest way to get to {city} in april",
        ),
    ),
    AgentApp(
        "shopwell-support",
        "You are the customer support assistant for ShopWell. Be friendly and brief. You can look up orders and "
        "products. Escalate refund requests over 200 EUR to a human by opening a ticket.",
        _tools("get_order_status", "search_products", "create_ticket"),
        (
            "where is my order {order}",
            "my package {order} says delivered but I don't have it",
            "do you have {item} in blue?",
            "I want to return order {order}, it arrived broken",
        ),
    ),
    AgentApp(
        "brightday-weather",
        "You are the BrightDay weather companion. Answer questions about weather and air quality in plain, "
        "friendly language. Use metric units unless asked otherwise.",
        _tools("get_current_weather", "get_forecast", "get_air_quality"),
        (
            "is it going to rain in {city} tomorrow",
            "should I bring a jacket to {city} this weekend?",
            "how's the air today in {city}",
            "weather {city}",
        ),
    ),
    AgentApp(
        "ledgerly-assistant",
        "You are Ledgerly, a bookkeeping assistant for small businesses. You can read balances and transactions "
        "and create invoices. Never move money. Ask for confirmation before creating an invoice.",
        _tools("get_balance", "list_transactions", "create_invoice"),
        (
            "how much did we spend on software last month",
            "what's my balance",
            "invoice {name} for 450 for the logo work",
            "list all transactions over 1000 since january",
        ),
    ),
    AgentApp(
        "peoplehub-hr",
        "You are PeopleHub, the internal HR helpdesk bot for Northwind. Answer policy questions from the handbook "
        "search tool and open a ticket when an employee needs a human.",
        (
            tool("search_handbook", "Search the employee handbook.", query=("string", "Question or keywords")),
            BY_NAME["create_ticket"],
        ),
        (
            "how many vacation days do I get in my second year",
            "what's the parental leave policy",
            "I need to update my bank details for payroll",
            "can I work remotely from another country for a month?",
        ),
    ),
    AgentApp(
        "metrics-bot",
        "You are the analytics Slack bot for Pico Retail. Translate questions into read-only SQL over the "
        "warehouse, run them, and answer with the numbers and a one-line interpretation.",
        _tools("run_sql", "describe_table", "list_tables"),
        (
            "what were yesterday's sales in {city} stores",
            "weekly active customers for the last 8 weeks",
            "top 10 products by margin this month",
            "how many orders were refunded last week vs the week before",
        ),
    ),
)


def fill_app_template(rng: random.Random, template: str) -> str:
    return template.format(
        ap=rng.choice(AIRPORTS),
        ap2=rng.choice(AIRPORTS),
        day=rng.randint(1, 28),
        city=rng.choice(CITIES),
        name=rng.choice(FIRST_NAMES),
        order=rng.randint(100000, 999999),
        item=rng.choice(("the running shoes", "the wool scarf", "the desk lamp")),
    )
