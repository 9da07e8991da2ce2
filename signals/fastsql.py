"""
The webhook's INSERTs and account lookup, with their SQL built once per
connection instead of once per request.

A cProfile of `intake.receive` (two accounts per alert, SQLite) put about two
thirds of a request in the ORM building SQL it had built the request before:
the Command `bulk_create` ~32% (compiling a 45-column, two-row INSERT), the
Account lookup ~25% (mostly `get_order_by` of the default ordering and the
WHERE clause), the Signal `save()` ~11%. The statement text depends only on the
model, the row count and the database, so it is built here from the model's
metadata and the backend's own quoting, kept per connection, and reused. That
took `receive` from ~2.1 to ~1.2 ms of CPU per request, and the whole webhook
through ASGI from ~3.0 to ~2.0 ms.

Values still go through each field's `pre_save()` and `get_db_prep_save()`,
and rows read back through the backend's and the fields' converters, exactly
as the ORM does, so PostgreSQL and SQLite store and load the same values.
Models that the plain SQL cannot express (inherited tables, database defaults,
generated columns, custom placeholders) go through the ORM unchanged.

On PostgreSQL the values go into the text as literals, made by psycopg's own
adapters exactly as its client-side binding (Django's default) makes them.
psycopg would first find the placeholders in the text, and it keeps what it
found only for statements of at most 50 parameters: the two-row Command
INSERT has 90, and parsing its 1,400 characters again cost ~120 µs of every
alert (docs/performance.md §7).
"""

from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

# connection -> {plan key: plan}. A plan holds SQL, fields and converters for
# one backend; keying by the connection object keeps it next to the backend
# that made it, and lets it go with that connection.
_plans = WeakKeyDictionary()


def plan(connection, key, build):
    cache = _plans.setdefault(connection, {})
    if key not in cache:
        cache[key] = build(connection, *key)
    return cache[key]


def converters(fields, connection):
    """Per column, (column, the functions the ORM applies to a value read back)."""
    result = []
    for field in fields:
        col = field.get_col(field.model._meta.db_table)
        ops = connection.ops
        funcs = ops.get_db_converters(col) + col.get_db_converters(connection)
        result.append((col, tuple(funcs)))
    return tuple(result)


def convert(row, column_converters, connection):
    values = list(row)
    for i, (col, funcs) in enumerate(column_converters):
        for func in funcs:
            values[i] = func(values[i], col, connection)
    return values


def execute(connection, using, sql, params):
    """Run one statement and fetch its rows; like the ORM's writes, an error
    inside atomic() marks the transaction for rollback."""
    if connection.vendor == "postgresql":
        sql, params = with_literals(connection, sql, params), None
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def with_literals(connection, sql, params):
    """`sql` with each %s replaced by its value as a PostgreSQL literal, as
    psycopg's ClientCursor renders it. Only our own statements come here:
    their text holds no % but the placeholders."""
    from psycopg.adapt import Transformer  # psycopg 3, which requirements.txt pins

    adapt = Transformer.from_context(connection.connection)
    literals = tuple(b"NULL" if v is None else adapt.as_literal(v) for v in params)
    return (sql.encode(adapt.encoding) % literals).decode(adapt.encoding)


# --- INSERT -----------------------------------------------------------------


def insert_fields(model, connection):
    """The columns Model.save() and bulk_create() write for a new row, or None
    when this plain INSERT cannot write them the way the ORM would."""
    opts = model._meta
    if opts.parents or not connection.features.can_return_rows_from_bulk_insert:
        return None
    fields = [f for f in opts.concrete_fields if f is not opts.auto_field]
    unusual = (
        f.generated
        or f.has_db_default()
        or f.db_returning  # only the primary key is read back here
        or hasattr(f, "get_placeholder")
        for f in fields
    )
    return None if any(unusual) else tuple(fields)


# Where `INSERT ... ON CONFLICT DO NOTHING RETURNING` reads the same: it skips
# a row that breaks a unique constraint, and only those (PostgreSQL 9.5,
# SQLite 3.35; SQLite's INSERT OR IGNORE would skip NOT NULL and CHECK too).
SKIPS_CONFLICTS = ("postgresql", "sqlite")


def build_insert(connection, model, rows, skip_conflict=False):
    fields = insert_fields(model, connection)
    if fields is None or (skip_conflict and connection.vendor not in SKIPS_CONFLICTS):
        return None
    ops, opts = connection.ops, model._meta
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    returning, _ = ops.return_insert_columns([opts.pk])
    conflict = " ON CONFLICT DO NOTHING" if skip_conflict else ""
    sql = (
        f"{ops.insert_statement()} {ops.quote_name(opts.db_table)} ({columns}) "
        f"VALUES {', '.join([row] * rows)}{conflict} {returning}"
    )
    return sql, fields, converters([opts.pk], connection)


def insert(objs, using=DEFAULT_DB_ALIAS, operation="bulk_create"):
    """bulk_create() for new instances of one model: the same rows, one
    statement, primary keys set; like bulk_create, no save signals."""
    if not objs:
        return objs
    model, connection = type(objs[0]), connections[using]
    found = plan(connection, (model, len(objs), False), build_insert)
    if found is None or any(obj.pk is not None for obj in objs):
        return model._default_manager.using(using).bulk_create(objs)
    return run_insert(objs, using, operation, found)


def run_insert(objs, using, operation, found):
    """Run a planned INSERT for `objs`; the rows it skipped keep no pk."""
    connection = connections[using]
    sql, fields, pk_converters = found
    params = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name=operation)
        params += [
            f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields
        ]
    rows = execute(connection, using, sql, params)
    if not rows and len(objs) == 1:
        return []  # ON CONFLICT DO NOTHING skipped it
    for obj, row in zip(objs, rows, strict=True):
        obj.pk = convert(row, pk_converters, connection)[0]
        obj._state.adding, obj._state.db = False, using
    return objs


def save_new(obj, using=DEFAULT_DB_ALIAS, skip_conflict=False):
    """obj.save() for an instance not yet in the database; True once stored.

    With `skip_conflict`, a row that would break a unique constraint is not
    stored and False is returned, the transaction going on unharmed: one
    `INSERT ... ON CONFLICT DO NOTHING` where a savepoint around the INSERT
    would cost two statements more (on PostgreSQL, two more round trips).
    """
    model, connection = type(obj), connections[using]
    plain = model.save is Model.save and not (
        pre_save.has_listeners(model) or post_save.has_listeners(model)
    )
    found = plain and obj.pk is None
    found = found and plan(connection, (model, 1, skip_conflict), build_insert)
    if found:
        run_insert([obj], using, "save", found)
        return obj.pk is not None
    if not skip_conflict:
        obj.save(using=using)
        return True
    try:
        with transaction.atomic(using=using):
            obj.save(using=using)
    except IntegrityError:
        obj.pk = None
        return False
    return True


# --- SELECT ... WHERE field IN (...) -----------------------------------------


def build_select(connection, model, field_name, only, count):
    ops, opts = connection.ops, model._meta
    wanted = {opts.pk.name, *only}
    # In the model's field order: from_db() fills the deferred ones by position.
    fields = tuple(f for f in opts.concrete_fields if f.name in wanted)
    table = ops.quote_name(opts.db_table)
    columns = ", ".join(f"{table}.{ops.quote_name(f.column)}" for f in fields)
    where = ops.quote_name(opts.get_field(field_name).column)
    marks = ", ".join(["%s"] * count)
    # No ORDER BY: the caller looks rows up by key, and the default ordering
    # cost the ORM more to compile than the query costs to run. Only quoted
    # names from the model go into the text; values are parameters.
    sql = f"SELECT {columns} FROM {table} WHERE {table}.{where} IN ({marks})"  # noqa: S608
    names = tuple(f.attname for f in fields)
    return sql, names, converters(fields, connection)


def select_in(model, field_name, values, only, using=DEFAULT_DB_ALIAS):
    """model.objects.filter(<field_name>__in=values).only(*only), unordered;
    fields not in `only` load on first access, as with .only()."""
    values = list(dict.fromkeys(values))
    if not values:
        return []
    connection = connections[using]
    key = (model, field_name, tuple(only), len(values))
    sql, names, column_converters = plan(connection, key, build_select)
    field = model._meta.get_field(field_name)
    params = [field.get_db_prep_value(v, connection) for v in values]
    rows = execute(connection, using, sql, params)
    return [
        model.from_db(using, names, convert(row, column_converters, connection))
        for row in rows
    ]
