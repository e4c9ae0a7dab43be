// Vite imports the stylesheet; TypeScript only needs to know the import is there.
declare module '*.css';
