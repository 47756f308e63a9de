// graphql-codegen: validates every operation in ./*.graphql against the published SDL and
// generates typed documents (src/gql/) for them. `npm run codegen` fails on an invalid one.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema/schema.graphql",
  documents: ["./*.graphql"],
  ignoreNoDocuments: false,
  // Imports between the generated files end in .js, as NodeNext resolution wants.
  emitLegacyCommonJSImports: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: {
        // No fragment masking: the example reads fragment fields directly.
        fragmentMasking: false,
      },
      config: {
        // Documents as strings (TypedDocumentString), so plain fetch can send them.
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          UUID: "string",
          DateTime: "string",
        },
      },
    },
  },
};

export default config;
