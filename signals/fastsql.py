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
"""

from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections, transaction
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
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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


def build_insert(connection, model, rows):
    fields = insert_fields(model, connection)
    if fields is None:
        return None
    ops, opts = connection.ops, model._meta
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    returning, _ = ops.return_insert_columns([opts.pk])
    sql = (
        f"{ops.insert_statement()} {ops.quote_name(opts.db_table)} ({columns}) "
        f"VALUES {', '.join([row] * rows)} {returning}"
    )
    return sql, fields, converters([opts.pk], connection)


def insert(objs, using=DEFAULT_DB_ALIAS, operation="bulk_create"):
    """bulk_create() for new instances of one model: the same rows, one
    statement, primary keys set; like bulk_create, no save signals."""
    if not objs:
        return objs
    model, connection = type(objs[0]), connections[using]
    found = plan(connection, (model, len(objs)), build_insert)
    if found is None or any(obj.pk is not None for obj in objs):
        return model._default_manager.using(using).bulk_create(objs)
    sql, fields, pk_converters = found
    params = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name=operation)
        params += [
            f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields
        ]
    rows = execute(connection, using, sql, params)
    for obj, row in zip(objs, rows, strict=True):
        obj.pk = convert(row, pk_converters, connection)[0]
        obj._state.adding, obj._state.db = False, using
    return objs


def save_new(obj, using=DEFAULT_DB_ALIAS):
    """obj.save() for an instance not yet in the database."""
    model = type(obj)
    plain = model.save is Model.save and not (
        pre_save.has_listeners(model) or post_save.has_listeners(model)
    )
    if plain and obj.pk is None:
        insert([obj], using, operation="save")
    else:
        obj.save(using=using)


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
