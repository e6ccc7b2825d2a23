import { Construct } from 'constructs';
import { BundledPostgres, BundledPostgresOptions } from './bundled-postgres';
import { KestraConfiguration, SecretEnv, placeholder } from './configuration';
import { credentialEnv } from './flow-env';
import { KestraValidationError, SecretKeyRef, validateNonEmpty, validateSecretKeyRef } from '../common';

/** Connection to a database the platform team runs (RDS, Cloud SQL, an operator-managed cluster...). */
export interface KestraExternalDatabaseOptions {
  /** JDBC URL, e.g. `jdbc:postgresql://db.example.internal:5432/kestra`. */
  readonly url: string;
  /** Database user. Not a secret; it is written to the configuration. */
  readonly username: string;
  /** The password, read from an existing Secret. */
  readonly password: SecretKeyRef;
}

/** What a database choice contributes to the Kestra deployment. */
export interface KestraDatabaseBinding {
  /** Configuration fragment (`datasources` and `kestra.repository`/`kestra.queue`). */
  readonly configuration: KestraConfiguration;
  /** Secret-backed environment variables the fragment refers to. */
  readonly secretEnv: readonly SecretEnv[];
  /** The bundled database, when the construct created one. */
  readonly bundledPostgres?: BundledPostgres;
}

/** Where the bundled database goes and who may reach it. */
export interface KestraDatabaseContext {
  /** Base name of the Kestra objects. */
  readonly name: string;
  /** Labels every Kestra pod carries; the database NetworkPolicy admits exactly these. */
  readonly clientPodLabels: Record<string, string>;
  /** Namespace of the Chart, if it sets one. */
  readonly namespace?: string;
}

/** Outside Kestra's `KESTRA_` env-vars prefix, so flows cannot read it (see flow-env.ts). */
export const DATABASE_PASSWORD_ENV = credentialEnv('DATABASE_PASSWORD');

function jdbc(field: string, url: string, scheme: string): string {
  validateNonEmpty(field, url);
  if (!url.startsWith(`jdbc:${scheme}://`)) {
    throw new KestraValidationError(field, url, `must be a JDBC URL starting with "jdbc:${scheme}://"`);
  }
  return url;
}

function datasource(kind: string, driver: string, url: string, username: string, ref: SecretKeyRef): KestraDatabaseBinding {
  return {
    configuration: {
      datasources: { [kind]: { url, driverClassName: driver, username, password: placeholder(DATABASE_PASSWORD_ENV) } },
      kestra: { repository: { type: kind }, queue: { type: kind } },
    },
    secretEnv: [{ name: DATABASE_PASSWORD_ENV, ref }],
  };
}

/** Kestra's repository and queue backend. */
export abstract class KestraDatabase {
  /**
   * A PostgreSQL StatefulSet deployed next to Kestra and reachable only from its pods. The default.
   */
  public static bundledPostgres(options: BundledPostgresOptions = {}): KestraDatabase {
    return new BundledDatabase(options);
  }

  /** An existing PostgreSQL database. */
  public static postgres(options: KestraExternalDatabaseOptions): KestraDatabase {
    return new ExternalDatabase('postgres', 'org.postgresql.Driver', 'postgresql', 'database', options);
  }

  /** An existing MySQL database. */
  public static mysql(options: KestraExternalDatabaseOptions): KestraDatabase {
    return new ExternalDatabase('mysql', 'com.mysql.cj.jdbc.Driver', 'mysql', 'database', options);
  }

  /**
   * An in-memory H2 database inside the Kestra process: for trying things out only,
   * everything is lost when the pod restarts. Refused whenever there can be more than one Kestra pod (distributed
   * mode, replicas or autoscaling): each pod would have its own database.
   */
  public static h2(): KestraDatabase {
    return new H2Database();
  }

  /** Short name for messages: bundledPostgres, postgres, mysql or h2. */
  public abstract readonly kind: string;
  /** Whether several Kestra pods can share this database. */
  public abstract readonly shareable: boolean;

  /** @internal */
  public abstract _bind(scope: Construct, context: KestraDatabaseContext): KestraDatabaseBinding;
}

class ExternalDatabase extends KestraDatabase {
  public readonly shareable = true;
  private readonly url: string;
  private readonly username: string;
  private readonly password: SecretKeyRef;

  constructor(public readonly kind: string, private readonly driver: string, scheme: string, field: string, options: KestraExternalDatabaseOptions) {
    super();
    if (!options || typeof options !== 'object') throw new KestraValidationError(field, options, 'must be { url, username, password }');
    this.url = jdbc(`${field}.url`, options.url, scheme);
    this.username = validateNonEmpty(`${field}.username`, options.username);
    this.password = validateSecretKeyRef(`${field}.password`, options.password);
  }

  public _bind(): KestraDatabaseBinding {
    return datasource(this.kind, this.driver, this.url, this.username, this.password);
  }
}

class BundledDatabase extends KestraDatabase {
  public readonly kind = 'bundledPostgres';
  public readonly shareable = true;

  constructor(private readonly options: BundledPostgresOptions) {
    super();
    BundledPostgres.validateOptions('database', options);
  }

  public _bind(scope: Construct, context: KestraDatabaseContext): KestraDatabaseBinding {
    const postgres = new BundledPostgres(scope, 'Postgres', {
      ...this.options, name: `${context.name}-postgres`, clientPodLabels: context.clientPodLabels, namespace: context.namespace,
    });
    const url = `jdbc:postgresql://${postgres.serviceName}:${BundledPostgres.PORT}/${postgres.databaseName}`;
    return {
      ...datasource('postgres', 'org.postgresql.Driver', url, postgres.username, postgres.passwordSecret),
      bundledPostgres: postgres,
    };
  }
}

class H2Database extends KestraDatabase {
  public readonly kind = 'h2';
  public readonly shareable = false;

  public _bind(): KestraDatabaseBinding {
    return {
      configuration: {
        datasources: {
          h2: { url: 'jdbc:h2:mem:public;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE', username: 'sa', password: '', driverClassName: 'org.h2.Driver' },
        },
        kestra: { repository: { type: 'h2' }, queue: { type: 'h2' } },
      },
      secretEnv: [],
    };
  }
}
